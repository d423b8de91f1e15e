"""The manage link of a callback booked through the API (`/rueckruf/<token>`), through HTTP
on both databases: shown as a German page or as JSON, cancelled with the page's form (CSRF)
or with JSON, refused once the call is under way; only the token's digest is stored."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select, update

from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.event_texts import event_text
from hotline.cases.events import CaseEvent
from hotline.link_tokens import token_digest
from hotline.outbox.models import WorkItem, WorkState
from scheduling.unit import Units
from tests.support.appointments import free_slots, local_path, raised_booking_limit
from tests.support.staff import csrf_token

hotline_config = raised_booking_limit

JSON = {"Accept": "application/json"}
START = "2026-11-26T13:15:00+01:00"  # Thursday; the test clock stands at 10:00
NUMBER = "+4915123456789"


def book_callback(client) -> tuple[str, str]:
    """Book through the API; the manage page's path and its token."""
    response = client.post(
        "/api/v1/appointments",
        json={
            "type": "callback",
            "start": START,
            "name": "Amsel",
            "phone": "0151 23456789",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.json
    path = local_path(response.json["manage_url"])
    assert response.headers["Location"] == response.json["manage_url"]
    return path, path.removeprefix("/rueckruf/")


def the_callback(svc) -> Callback:
    with svc.database.transaction() as session:
        return session.scalars(select(Callback)).one()


def test_the_link_shows_the_callback_and_only_its_digest_is_stored(
    client, svc, create_counsellor, caplog
):
    create_counsellor("Anna")
    with caplog.at_level(logging.DEBUG):
        path, token = book_callback(client)
    assert len(token) >= 43  # 256 random bits, URL-safe
    stored = the_callback(svc)
    assert stored.token_digest == token_digest(token) != token
    assert token not in caplog.text

    as_json = client.get(path, headers=JSON)
    assert as_json.status_code == 200
    assert as_json.json["type"] == "callback" and as_json.json["state"] == "booked"
    assert as_json.json["start"] == START and as_json.json["end"] == "2026-11-26T13:30:00+01:00"
    assert as_json.json["ics_url"] is None and as_json.json["manage_url"].endswith(path)

    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Ihr Rückruf" in html and "Donnerstag, 26. November 2026, 13:15 Uhr" in html
    assert NUMBER not in html and "23456789" not in html and "+49151" in html  # masked
    assert "Rückruf absagen" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_cancelling_with_the_form_deletes_the_number_and_frees_the_place(
    client, svc, create_counsellor
):
    create_counsellor("Anna")
    path, _ = book_callback(client)
    assert START not in [slot["start"] for slot in free_slots(client, type="callback", days=1)]

    forged = client.post(f"{path}/cancel", data={"csrf_token": "nope"})
    assert forged.status_code == 400 and "Formular ist abgelaufen" in forged.get_data(as_text=True)
    assert the_callback(svc).state == CallbackState.BOOKED

    token = csrf_token(client.get(f"{path}/cancel").get_data(as_text=True))
    done = client.post(f"{path}/cancel", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == f"{path}?abgesagt=1"
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Ihr Rückruf ist abgesagt" in html and "Rückruf absagen" not in html

    callback = the_callback(svc)
    assert callback.state == CallbackState.CANCELED
    assert callback.number_encrypted is None and callback.seat is None
    with svc.database.transaction() as session:
        ring = session.scalars(select(WorkItem).where(WorkItem.kind == "place_callback")).one()
        assert ring.state == WorkState.CANCELED
        said = [
            event_text(event.kind, event.params)
            for event in session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == callback.case_id)
            )
        ]
    assert "Rückruf über den Link abgesagt" in said
    assert START in [slot["start"] for slot in free_slots(client, type="callback", days=1)]


def test_json_cancels_without_a_csrf_token_and_twice_is_no_error(client, svc, create_counsellor):
    create_counsellor("Anna")
    path, _ = book_callback(client)
    first = client.post(f"{path}/cancel", headers=JSON)
    assert first.status_code == 200 and first.json["state"] == "canceled"
    again = client.post(f"{path}/cancel", headers=JSON)
    assert again.status_code == 200 and again.json["state"] == "canceled"


def test_a_callback_under_way_can_no_longer_be_cancelled(client, svc, create_counsellor):
    create_counsellor("Anna")
    path, _ = book_callback(client)
    with svc.database.transaction() as session:
        session.execute(update(Callback).values(state=CallbackState.CALLING))

    refused = client.post(f"{path}/cancel", headers=JSON)
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "callback_under_way"
    page = client.get(path).get_data(as_text=True)
    assert "wir rufen Sie gerade an" in page and "Rückruf absagen" not in page
    token = csrf_token(client.get("/termin").get_data(as_text=True))
    by_form = client.post(f"{path}/cancel", data={"csrf_token": token})
    assert by_form.status_code == 409
    assert "kann nicht mehr abgesagt werden" in by_form.get_data(as_text=True)
    callback = the_callback(svc)
    assert callback.state == CallbackState.CALLING and callback.number_encrypted is not None


def test_an_unknown_or_absurd_token_is_not_found(client, create_counsellor):
    create_counsellor("Anna")
    book_callback(client)
    for token in ("x" * 43, "a" * 5000, "%00"):
        assert client.get(f"/rueckruf/{token}").status_code == 404
        missing = client.get(f"/rueckruf/{token}", headers=JSON)
        assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
        assert client.post(f"/rueckruf/{token}/cancel", headers=JSON).status_code == 404


def test_cancelling_goes_by_the_locked_row_not_by_what_the_page_read_before(
    client, svc, clock, create_counsellor, work_tools
):
    """PostgreSQL: the scheduler may start the call between the page's read and the cancel's
    lock (SQLite's writers take turns, so it cannot happen there)."""
    if svc.database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers")
    create_counsellor("Anna")
    book_callback(client)
    callback_id = the_callback(svc).id
    with svc.database.transaction() as session:
        read_first = session.get(Callback, callback_id)
        assert read_first.state == CallbackState.BOOKED
        with svc.database.engine.begin() as scheduler:  # commits at once, on its own connection
            scheduler.execute(
                update(Callback).where(Callback.id == callback_id).values(state="calling")
            )
        placement = Units.of_tools(work_tools).within(session, now=clock.now()).placement
        assert placement.cancel(callback_id, by_booker=True) is False
    assert the_callback(svc).state == CallbackState.CALLING


def test_cancelling_on_the_page_asks_first(client, svc, create_counsellor):
    create_counsellor("Anna")
    path, _ = book_callback(client)
    page = client.get(path).get_data(as_text=True)
    assert f'action="{path}/cancel"' not in page  # no button that cancels at once
    assert re.search(rf'<a [^>]*href="{re.escape(path)}/cancel"[^>]*>Rückruf absagen', page)

    asked = client.get(f"{path}/cancel")
    assert asked.status_code == 200
    question = asked.get_data(as_text=True)
    assert "<h1>Rückruf absagen?</h1>" in question
    assert "Donnerstag, 26. November 2026, 13:15 Uhr" in question
    assert re.search(rf'<form method="post" action="{re.escape(path)}/cancel"', question)
    assert re.search(rf'<a [^>]*href="{re.escape(path)}"[^>]*>Nein, Rückruf behalten', question)
    assert asked.headers["Cache-Control"] == "no-store"
    assert the_callback(svc).state == CallbackState.BOOKED

    done = client.post(f"{path}/cancel", data={"csrf_token": csrf_token(question)})
    assert done.status_code == 303
    assert the_callback(svc).state == CallbackState.CANCELED
    again = client.get(f"{path}/cancel")
    assert again.status_code == 303 and again.headers["Location"] == path
