"""*Auskunft* and *Löschen* on a case's page (DSGVO Art. 15 and 17), over HTTP: admins only
(403 for counsellors), each with a reason and a CSRF token; the erasure needs a second admin,
then the page says what was erased and how Twilio's deletions stand."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.cases.models import Case
from hotline.retention.models import CaseErasure
from hotline.telephony.models import Call
from tests.support.appointments import raised_booking_limit
from tests.support.rights import (
    ADMINS,
    ALBRECHT,
    admins_logged_in,
    find_in_database,
    held_case,
)
from tests.support.staff import add_staff, csrf_token, log_in, post_form
from tests.web.staff.test_referrals_and_calls import an_offer

hotline_config = raised_booking_limit
REASON = "Antrag per Brief vom 20.11."


def flashed(html: str) -> str:
    return " ".join(re.findall(r'<p class="(?:notice|errors?)" role="[a-z]+">(.*?)</p>', html))


@pytest.fixture
def case_a(svc, clock, client, simulate_call, create_counsellor, dispatcher):
    create_counsellor("Anna", email="anna@beratung.example.org")
    admins_logged_in(svc, clock, client)
    a = held_case(
        svc=svc,
        client=client,
        simulate_call=simulate_call,
        offer_id=an_offer(svc, clock),
        **ALBRECHT,
    )
    dispatcher.dispatch_until_idle()
    return a


def test_counsellors_see_neither_and_are_refused_403(client, svc, clock, case_a):
    page = f"/staff/cases/{case_a.reference}"
    add_staff(svc, clock, "berater@example.org")
    log_in(client, "berater@example.org")
    html = client.get(page).get_data(as_text=True)
    assert "Auskunft herunterladen" not in html and "Löschen beantragen" not in html
    token = csrf_token(html)
    for action in ("export", "erase/request", "erase/confirm", "erase/withdraw"):
        answer = client.post(f"{page}/{action}", data={"csrf_token": token, "reason": REASON})
        assert answer.status_code == 403, action
    with svc.database.transaction() as session:
        assert not session.scalars(select(CaseErasure)).all()


def test_auskunft_downloads_the_archive_with_a_reason_and_audits_it(client, svc, case_a):
    page = f"/staff/cases/{case_a.reference}"
    refused = post_form(client, page, f"{page}/export", {"reason": " "})
    assert refused.status_code == 302
    assert "Bitte einen Grund angeben" in flashed(client.get(page).get_data(as_text=True))
    no_token = client.post(f"{page}/export", data={"reason": REASON})
    assert no_token.status_code == 302  # the form had expired: nothing handed out
    answer = post_form(client, page, f"{page}/export", {"reason": REASON})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert f'filename="auskunft-{case_a.reference}.zip"' in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"].startswith("no-store")
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        held = json.loads(archive.read(f"auskunft-{case_a.reference}.json"))
    assert held["case"]["notes"] == case_a.notes
    assert held["appointments"][0]["email"] == case_a.email
    with svc.database.transaction() as session:
        details = session.scalars(select(AuditEntry).where(AuditEntry.action == "exported")).all()
        assert [entry.detail for entry in details] == [f"Auskunft erteilt: {REASON}"]


def test_a_second_admin_confirms_the_erasure_and_the_page_shows_what_is_left(
    client, svc, clock, case_a, dispatcher, fake_twilio, simulate_call
):
    page = f"/staff/cases/{case_a.reference}"
    post_form(client, page, f"{page}/erase/request", {"reason": REASON})
    html = client.get(page).get_data(as_text=True)
    assert "Löschung beantragt" in flashed(html) and 'id="confirm-erasure"' not in html
    assert f"beantragt von {ADMINS[0]}" in html
    # the same admin cannot confirm: nothing happens
    post_form(client, page, f"{page}/erase/confirm", {})
    assert "Vier Augen" in flashed(client.get(page).get_data(as_text=True))
    with svc.database.transaction() as session:
        case = session.scalars(select(Case).where(Case.reference == case_a.reference)).one()
        assert case.erased_at is None and case.notes_encrypted is not None

    log_in(client, ADMINS[1])
    assert 'id="confirm-erasure"' in client.get(page).get_data(as_text=True)
    post_form(client, page, f"{page}/erase/confirm", {})
    html = client.get(page).get_data(as_text=True)
    assert "Der Fall ist gelöscht" in flashed(html) and 'id="erased"' in html
    assert REASON in html and ADMINS[0] in html and ADMINS[1] in html
    assert "0 von Twilio angenommen" in html
    assert case_a.notes not in html and "Angaben speichern" not in html
    dispatcher.dispatch_until_idle()
    html = client.get(page).get_data(as_text=True)
    asked = len(fake_twilio.deleted_records("Calls")) + len(fake_twilio.deleted_records("Messages"))
    assert asked >= 3 and f"{asked} von Twilio angenommen, 0 ausstehend" in html
    assert find_in_database(svc, case_a.secrets() | {"notes": case_a.notes}) == []
    # nothing new links to it: a change is refused, a caller typing it hears "unknown"
    post_form(client, page, f"{page}/describe", {"notes": "neu"})
    assert "bereits gelöscht" in flashed(client.get(page).get_data(as_text=True))
    transcript = simulate_call(["-", case_a.reference, "#"])
    assert transcript.said("Bitte geben Sie die acht Ziffern noch einmal ein")
    with svc.database.transaction() as session:
        erased = session.scalars(select(Case).where(Case.reference == case_a.reference)).one()
        assert not session.scalars(select(Call).where(Call.case_id == erased.id)).all()


def test_a_request_can_be_withdrawn_and_then_asked_again(client, svc, case_a):
    page = f"/staff/cases/{case_a.reference}"
    post_form(client, page, f"{page}/erase/request", {"reason": REASON})
    post_form(client, page, f"{page}/erase/withdraw", {})
    html = client.get(page).get_data(as_text=True)
    assert "zurückgezogen" in flashed(html) and "Löschen beantragen" in html
    post_form(client, page, f"{page}/erase/request", {"reason": REASON})
    with svc.database.transaction() as session:
        states = session.scalars(select(CaseErasure.state).order_by(CaseErasure.id)).all()
    assert states == ["withdrawn", "pending"]
