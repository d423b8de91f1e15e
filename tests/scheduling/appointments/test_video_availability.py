"""Who offers video slots when: weekly windows, absences, windows by arrangement outside the
opening hours (set with the CLI), and the counsellor's calendar feed."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import vobject
from sqlalchemy import select

from hotline.app import units_of
from hotline.appointments.models import Appointment
from hotline.counsellors.models import Counsellor
from tests.support.appointments import book, free_slots, raised_booking_limit

hotline_config = raised_booking_limit


def hours_on(client, day: str) -> list[int]:
    return [
        datetime.fromisoformat(s["start"]).hour for s in free_slots(client, days=1, **{"from": day})
    ]


def test_weekly_windows_and_absences_shape_the_slots(client, hotline, create_counsellor):
    create_counsellor("Anna")
    assert hotline("counsellor", "availability", "Anna", "mon=09:00-12:00").exit_code == 0
    assert hours_on(client, "2026-11-30") == [9, 10, 11]  # Monday: her window
    assert hours_on(client, "2026-12-01") == []  # Tuesday: no window
    result = hotline("counsellor", "absent", "Anna", "--from", "2026-12-07", "--to", "2026-12-07")
    assert result.exit_code == 0
    assert hours_on(client, "2026-12-07") == []
    assert hours_on(client, "2026-12-14") == [9, 10, 11]


def test_windows_by_arrangement_offer_evenings_for_video_only(client, hotline, create_counsellor):
    create_counsellor("Anna")
    result = hotline("counsellor", "availability", "Anna", "--by-arrangement", "tue=17:00-19:00")
    assert result.exit_code == 0, result.output
    assert "nach Vereinbarung (Video- und Telefontermine): tue=17:00-19:00" in result.output
    assert hours_on(client, "2026-12-01") == [9, 10, 11, 12, 13, 14, 15, 17, 18]
    assert hours_on(client, "2026-12-02") == [9, 10, 11, 12, 13, 14, 15]  # Wednesday
    assert hours_on(client, "2026-12-08") == [9, 10, 11, 12, 13, 14, 15, 17, 18]
    # not on a public holiday (Tuesday 2026-12-22 is none; 2026-12-29 neither: use Christmas)
    hotline("counsellor", "availability", "Anna", "--by-arrangement", "fri=17:00-18:00")
    assert hours_on(client, "2026-12-25") == []  # Christmas Day, a Friday
    assert hours_on(client, "2026-12-18") == [9, 10, 11, 12, 13, 14, 15, 17]
    # callbacks are not offered in the evening window
    callbacks = free_slots(client, type="callback", days=1, **{"from": "2026-12-18"})
    assert all(datetime.fromisoformat(s["start"]).hour < 16 for s in callbacks)
    assert book(client, "2026-12-18T17:00:00+01:00").status_code == 201
    assert hotline("counsellor", "availability", "Anna", "--by-arrangement").exit_code == 0
    assert 17 not in hours_on(client, "2026-12-11")


def test_the_feed_lists_appointments_by_case_reference_only(
    app, client, hotline, svc, create_counsellor
):
    create_counsellor("Anna", email="anna@beratung.example.org")
    booked = book(client, "2026-11-30T10:00:00+01:00", name="Bürgermeisterin Kraus").json
    result = hotline("counsellor", "feed", "Anna")
    assert result.exit_code == 0, result.output
    url = next(word for word in result.output.split() if word.startswith("http://"))
    assert "webcal://" in result.output
    feed = client.get(urlsplit(url).path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    text = feed.get_data(as_text=True)
    calendar = vobject.readOne(text)
    assert calendar.method.value == "PUBLISH"
    (event,) = calendar.vevent_list
    reference = booked["case_reference"]
    assert event.summary.value == f"Videotermin · Fall {reference[:4]} {reference[4:]}"
    # the counsellor joins from the calendar: the room the invitation names
    with svc.database.transaction() as session:
        room = session.scalar(select(Appointment.room))
    room_url = units_of(app).links.video_url(room)
    assert room and room in room_url
    assert event.location.value == room_url and event.url.value == room_url
    assert room_url in event.description.value
    for private in ("Kraus", "amt@example.org", "anna@beratung", "mailto", "ATTENDEE"):
        assert private not in text
    again = hotline("counsellor", "feed", "Anna")
    assert again.exit_code != 0 and "--renew" in again.output
    renewed = hotline("counsellor", "feed", "Anna", "--renew")
    new_url = next(word for word in renewed.output.split() if word.startswith("http://"))
    assert new_url != url
    assert client.get(urlsplit(url).path).status_code == 404
    assert client.get(urlsplit(new_url).path).status_code == 200


def test_the_feed_shows_a_phone_appointment_without_a_room_and_not_its_call_again(
    client, hotline, create_counsellor
):
    create_counsellor("Anna")
    body = {
        "type": "phone",
        "start": "2026-11-30T10:00:00+01:00",
        "name": "Bürgermeisterin Kraus",
        "phone": "0151 23456789",
        "consent": True,
    }
    booked = client.post("/api/v1/appointments", json=body).json
    result = hotline("counsellor", "feed", "Anna")
    url = next(word for word in result.output.split() if word.startswith("http://"))
    text = client.get(urlsplit(url).path).get_data(as_text=True)
    (event,) = vobject.readOne(text).vevent_list
    reference = booked["case_reference"]
    assert event.summary.value == f"Telefontermin · Fall {reference[:4]} {reference[4:]}"
    assert not hasattr(event, "location") and not hasattr(event, "url")
    for private in ("Kraus", "23456789", "+49151", "ATTENDEE"):
        assert private not in text


def test_counsellor_email_is_kept_encrypted_and_can_be_changed(hotline, svc):
    result = hotline(
        "counsellor", "add", "Ben", "--phone", "+49 228 555100", "--email", "ben@example.org"
    )
    assert result.exit_code == 0, result.output
    assert hotline("counsellor", "email", "Ben", "ben.neu@example.org").exit_code == 0
    bad = hotline("counsellor", "email", "Ben", "kein-adresse")
    assert bad.exit_code != 0 and "keine gültige E-Mail-Adresse" in bad.output
    with svc.database.transaction() as session:
        token = session.scalar(select(Counsellor.email_encrypted).where(Counsellor.name == "Ben"))
    assert b"ben" not in token and svc.cipher.decrypt(token) == "ben.neu@example.org"


def test_windows_by_arrangement_are_not_offered_on_closure_days(client, hotline, create_counsellor):
    """Heiligabend is a closure by default (a Thursday in 2026): no evening slots then."""
    create_counsellor("Anna")
    result = hotline("counsellor", "availability", "Anna", "--by-arrangement", "thu=17:00-19:00")
    assert result.exit_code == 0, result.output
    assert hours_on(client, "2026-12-17") == [9, 10, 11, 12, 13, 14, 15, 17, 18]
    assert hours_on(client, "2026-12-24") == []
