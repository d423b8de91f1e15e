"""The booking page and the manage page through HTTP (the browser test drives them in
Chromium): CSRF on every form, errors tied to their fields, booking, moving, cancelling."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hotline.appointments.models import AppointmentState
from tests.support.appointments import appointments, local_path, raised_booking_limit
from tests.support.times import berlin

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
    assert "<h1>Termin buchen</h1>" in html and "Pseudonym" in html and "110" in html
    assert "Telefontermin" in html and "Videotermin" in html  # the two kinds to choose
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


# --- one week at a time, and what was chosen stays chosen ------------------------------------
class _DaysList(HTMLParser):
    """The entries of `<ul class="days">`: (date from the link or None, text, current?), and
    the week's previous/next links."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict] = []
        self.links: dict[str, str] = {}
        self._in_list = False
        self._entry: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "ul" and "days" in (attributes.get("class") or "").split():
            self._in_list = True
        elif tag == "li" and self._in_list:
            self._entry = {"day": None, "text": "", "current": False}
        elif tag == "a" and self._entry is not None:
            self._entry["day"] = re.search(r"tag=([\d-]+)", attributes["href"]).group(1)
            self._entry["current"] = attributes.get("aria-current") == "date"
        elif tag == "a" and attributes.get("rel") in ("prev", "next"):
            self.links[attributes["rel"]] = attributes["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._entry is not None:
            self._entry["text"] = " ".join(self._entry["text"].split())
            self.entries.append(self._entry)
            self._entry = None
        elif tag == "ul":
            self._in_list = False

    def handle_data(self, data: str) -> None:
        if self._entry is not None:
            self._entry["text"] += data


def week_of(html: str) -> _DaysList:
    parsed = _DaysList()
    parsed.feed(html)
    return parsed


def chosen_day(html: str) -> str:
    (current,) = [entry["day"] for entry in week_of(html).entries if entry["current"]]
    return current


def times_offered(html: str) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', html)


def test_the_booking_page_shows_one_week_at_a_time(client, create_counsellor):
    """27 day buttons stacked on a phone pushed the times 1,300 px down: a week, Monday to
    Sunday, with links to the week before and after; the chosen day's times below it."""
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    week = week_of(html)
    assert [entry["text"] for entry in week.entries] == [
        "Mo. 23.11. nichts frei",
        "Di. 24.11. nichts frei",
        "Mi. 25.11. nichts frei",
        "Do. 26.11.",
        "Fr. 27.11.",
        "Sa. 28.11. nichts frei",
        "So. 29.11. nichts frei",
    ]
    assert [entry["day"] for entry in week.entries if entry["day"]] == [
        "2026-11-26",
        "2026-11-27",
    ]
    assert chosen_day(html) == "2026-11-26"
    assert "23. bis 29. November 2026" in html
    assert week.links == {"next": "/termin?tag=2026-11-30"}  # nothing to book before today
    assert times_offered(html)[0] == "2026-11-26T12:00:00+01:00"

    html = client.get("/termin?tag=2026-11-30").get_data(as_text=True)
    week = week_of(html)
    assert "30. November bis 6. Dezember 2026" in html
    assert len(week.entries) == 7 and chosen_day(html) == "2026-11-30"
    assert week.links == {"prev": "/termin?tag=2026-11-23", "next": "/termin?tag=2026-12-07"}
    assert times_offered(html)[0] == "2026-11-30T09:00:00+01:00"

    # a day with nothing free (a Sunday) shows its week, at the first free day of it
    assert chosen_day(client.get("/termin?tag=2026-12-06").get_data(as_text=True)) == ("2026-11-30")
    # the last week of the 42 days ahead has no next week; a day beyond opens the first week
    last = week_of(client.get("/termin?tag=2027-01-04").get_data(as_text=True))
    assert set(last.links) == {"prev"}
    assert chosen_day(client.get("/termin?tag=2027-03-01").get_data(as_text=True)) == ("2026-11-26")


def test_after_an_error_the_chosen_day_and_time_stay_chosen(client, svc, create_counsellor):
    create_counsellor("Anna")
    html = client.get("/termin?tag=2026-12-01").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "tag": "2026-12-01",
        "name": "Ratsfrau K.",
        "email": "rat@example.org",
        "consent": "ja",
    }
    no_time = client.post("/termin", data=form)  # the day chosen, no time yet
    assert no_time.status_code == 422
    page = no_time.get_data(as_text=True)
    assert 'id="start-fehler"' in page
    assert chosen_day(page) == "2026-12-01"
    assert times_offered(page)[0] == "2026-12-01T09:00:00+01:00"
    assert "Uhrzeit am Di., 1. Dezember" in page

    no_name = client.post(
        "/termin", data={**form, "start": "2026-12-01T11:00:00+01:00", "name": ""}
    )
    assert no_name.status_code == 422
    page = no_name.get_data(as_text=True)
    assert chosen_day(page) == "2026-12-01"
    assert re.search(r'value="2026-12-01T11:00:00\+01:00"[^>]* checked', page)
    assert appointments(svc) == []


def test_moving_starts_at_the_booked_day_and_keeps_the_chosen_one(client, create_counsellor):
    create_counsellor("Anna")
    booked = client.post(
        "/api/v1/appointments",
        json={
            "type": "video",
            "start": "2026-12-03T10:00:00+01:00",
            "name": "Ratsfrau K.",
            "email": "rat@example.org",
            "consent": True,
        },
    )
    manage = local_path(booked.json["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    assert chosen_day(page) == "2026-12-03"  # not today
    assert "Neue Uhrzeit am Do., 3. Dezember" in page
    assert "2026-12-03T10:00:00+01:00" not in times_offered(page)  # its own time
    assert times_offered(page)[0] == "2026-12-03T09:00:00+01:00"
    assert week_of(page).links["next"] == f"{manage}?tag=2026-12-07"

    other = client.get(f"{manage}?tag=2026-12-08").get_data(as_text=True)
    no_time = client.post(
        f"{manage}/move", data={"csrf_token": csrf_token(other), "tag": "2026-12-08"}
    )
    assert no_time.status_code == 422
    assert chosen_day(no_time.get_data(as_text=True)) == "2026-12-08"


# --- cancelling asks first -----------------------------------------------------------------
def test_cancelling_an_appointment_on_its_page_asks_first(client, svc, create_counsellor):
    create_counsellor("Anna")
    booked = client.post(
        "/api/v1/appointments",
        json={
            "type": "video",
            "start": "2026-12-03T10:00:00+01:00",
            "name": "Ratsfrau K.",
            "email": "rat@example.org",
            "consent": True,
        },
    )
    manage = local_path(booked.json["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    assert f'action="{manage}/cancel"' not in page  # no button that cancels at once
    assert re.search(rf'<a [^>]*href="{re.escape(manage)}/cancel"[^>]*>Termin absagen', page)

    asked = client.get(f"{manage}/cancel")
    assert asked.status_code == 200
    question = asked.get_data(as_text=True)
    assert "<h1>Termin absagen?</h1>" in question
    assert "Donnerstag, 3. Dezember 2026, 10:00 Uhr" in question
    assert "Sie bekommen eine Bestätigung per E-Mail." in question
    assert re.search(rf'<form method="post" action="{re.escape(manage)}/cancel"', question)
    assert re.search(rf'<a [^>]*href="{re.escape(manage)}"[^>]*>Nein, Termin behalten', question)
    assert asked.headers["Cache-Control"] == "no-store"
    assert [row.state for row in appointments(svc)] == [AppointmentState.BOOKED]

    done = client.post(f"{manage}/cancel", data={"csrf_token": csrf_token(question)})
    assert done.status_code == 303
    assert [row.state for row in appointments(svc)] == [AppointmentState.CANCELED]
    again = client.get(f"{manage}/cancel")  # nothing left to ask: the page says it is off
    assert again.status_code == 303 and again.headers["Location"] == manage
    as_json = client.get(f"{manage}/cancel", headers={"Accept": "application/json"})
    assert as_json.status_code == 405
    assert as_json.json["error"]["code"] == "method_not_allowed"


def test_an_appointment_booked_by_phone_without_an_address_promises_no_mail(
    simulate_call, clock, client, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday: key 2 books a video appointment
    transcript = simulate_call(["-", "-", "2", "1"])
    (sms,) = [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]
    manage = local_path(re.search(r"https://\S+", sms).group(0))

    page = client.get(manage).get_data(as_text=True)
    question = client.get(f"{manage}/cancel").get_data(as_text=True)
    assert "per E-Mail" not in question
    done = client.post(f"{manage}/cancel", data={"csrf_token": csrf_token(question)})
    assert done.status_code == 303
    told = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Ihr Termin ist abgesagt." in told
    assert "per E-Mail" not in told
    assert "E-Mail-Adresse ergänzen" in page
