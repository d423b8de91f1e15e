"""The booking page and the manage page through HTTP (the browser test drives them in
Chromium): CSRF on every form, errors tied to their fields, booking, moving, cancelling."""

from __future__ import annotations

import re

from scheduling.appointments.models import AppointmentState
from tests.support.appointments import appointments, raised_booking_limit

hotline_config = raised_booking_limit


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def first_time(html: str) -> str:
    return re.search(r'name="start" value="([^"]+)"', html).group(1)


def test_the_page_is_german_and_sends_protective_headers(client, create_counsellor):
    create_counsellor("Anna")
    page = client.get("/termin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="de">' in html
    assert "Videotermin buchen" in html and "Pseudonym" in html and "110" in html
    assert 'value="2026-11-26T12:00:00+01:00"' in html
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    tuesday = client.get("/termin?tag=2026-12-01").get_data(as_text=True)
    assert 'value="2026-12-01T09:00:00+01:00"' in tuesday
    assert client.get("/termin?tag=kaputt").status_code == 200


def test_a_form_without_its_csrf_token_changes_nothing(client, svc, create_counsellor):
    create_counsellor("Anna")
    start = first_time(client.get("/termin").get_data(as_text=True))
    response = client.post(
        "/termin",
        data={"start": start, "name": "A", "email": "a@example.org", "consent": "ja"},
    )
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in response.get_data(as_text=True)
    assert appointments(svc) == []


def test_errors_are_named_at_their_fields(client, svc, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    response = client.post(
        "/termin", data={"csrf_token": csrf_token(html), "email": "kaputt", "name": ""}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    for field in ("name", "email"):
        assert f'id="{field}-fehler"' in page
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page, re.S)
    assert 'id="consent-fehler"' in page and 'id="start-fehler"' in page
    assert appointments(svc) == []


def test_book_then_move_then_cancel_through_the_pages(client, svc, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "start": first_time(html),
        "name": "Ratsfrau K.",
        "email": "rat@example.org",
        "phone": "",
        "case_reference": "",
        "consent": "ja",
    }
    booked = client.post("/termin", data=form)
    assert booked.status_code == 303
    manage = booked.headers["Location"].split("?")[0]
    assert re.fullmatch(r"/termin/[A-Za-z0-9_-]{43}", manage)
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Ihr Termin ist gebucht" in page
    assert "Donnerstag, 26. November 2026, 12:00 Uhr" in page
    assert "https://meet.jit.si/starke-stelle-" in page and "In den Kalender" in page
    moved = client.post(
        manage + "/move",
        data={"csrf_token": csrf_token(page), "start": "2026-11-26T14:00:00+01:00"},
    )
    assert moved.status_code == 303
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Ihr Termin ist verlegt" in page and "14:00 Uhr" in page
    assert client.post(manage + "/cancel", data={}).status_code == 400  # no token
    # a cross-site form may post text/plain: it needs the token too
    plain = client.post(manage + "/cancel", data="a=b", content_type="text/plain")
    assert plain.status_code == 400
    canceled = client.post(manage + "/cancel", data={"csrf_token": csrf_token(page)})
    assert canceled.status_code == 303
    assert "ist abgesagt" in client.get(canceled.headers["Location"]).get_data(as_text=True)
    (row,) = appointments(svc)
    assert row.state == AppointmentState.CANCELED


def test_a_taken_time_says_so_and_keeps_what_was_typed(client, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "start": first_time(html),
        "name": "Erste",
        "email": "erste@example.org",
        "consent": "ja",
    }
    assert client.post("/termin", data=form).status_code == 303
    second = client.post("/termin", data={**form, "name": "Zweite"})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "nicht mehr frei" in page and 'value="Zweite"' in page
