"""Mails about an appointment, sent by the scheduler's dispatcher to a real local SMTP
server: confirmation, move and cancellation, to the official and to the counsellor, each an
invitation whose calendar part's `method` equals the file's METHOD; SMTP down, then up."""

from __future__ import annotations

from datetime import timedelta

import vobject

from tests.support.appointments import book, free_slots, local_path, raised_booking_limit

JSON = {"Accept": "application/json"}


hotline_config = raised_booking_limit


def invitation_parts(message):
    """(the calendar alternative, the attached file) of a received mail."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in alternative.get_payload()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "termin.ics"
    assert attachment.get_content_disposition() == "attachment"
    return alternative.get_payload()[2], attachment


def calendar_of(part) -> vobject.base.Component:
    return vobject.readOne(part.get_content())


def mails_to(smtp, address):
    return [mail.message for mail in smtp.received if address in mail.recipients]


def test_booking_mails_the_official_and_the_counsellor_an_invitation(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor("Anna", email="anna@beratung.example.org")
    start = free_slots(client)[0]["start"]
    booked = book(client, start).json
    assert smtp.received == []  # the web request only wrote work rows
    smtp_dispatcher.dispatch_until_idle()
    (official,) = mails_to(smtp, "amt@example.org")
    (counsellor,) = mails_to(smtp, "anna@beratung.example.org")
    assert official["Subject"] == "Videotermin bestätigt: 26.11.2026, 12:00 Uhr"
    text = official.get_payload()[0].get_payload()[0].get_content()
    assert "Donnerstag, 26. November 2026, 12:00 Uhr" in text
    assert booked["video_url"] in text and booked["manage_url"] in text
    assert f"{booked['case_reference'][:4]} {booked['case_reference'][4:]}" in text
    assert "110" in text
    for message in (official, counsellor):
        calendar_part, attachment = invitation_parts(message)
        assert calendar_part.get_param("method") == "REQUEST"
        assert attachment.get_param("method") == "REQUEST"
        calendar = calendar_of(calendar_part)
        assert calendar.method.value == "REQUEST"
        assert calendar.vevent.sequence.value == "0"
        assert calendar.vevent.location.value == booked["video_url"]
    counsellor_text = counsellor.get_payload()[0].get_payload()[0].get_content()
    assert "amt@example.org" not in counsellor_text  # the official's address stays out
    assert booked["manage_url"] not in counsellor_text


def test_moving_sends_a_request_with_a_raised_sequence_and_cancelling_a_cancel(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor("Anna", email="anna@beratung.example.org")
    slots = free_slots(client)
    booked = book(client, slots[0]["start"]).json
    manage = local_path(booked["manage_url"])
    moved = client.post(manage + "/move", json={"start": slots[1]["start"]}, headers=JSON)
    assert moved.status_code == 200 and moved.json["start"] == slots[1]["start"]
    assert client.post(manage + "/cancel", headers=JSON).json["state"] == "canceled"
    smtp_dispatcher.dispatch_until_idle()
    official = mails_to(smtp, "amt@example.org")
    assert [m["Subject"].split(":")[0] for m in official] == [
        "Videotermin bestätigt",
        "Videotermin verlegt auf 26.11.2026, 13",
        "Videotermin abgesagt",
    ]
    calendars = [calendar_of(invitation_parts(m)[0]) for m in official]
    assert {c.vevent.uid.value for c in calendars} == {calendars[0].vevent.uid.value}
    assert [c.vevent.sequence.value for c in calendars] == ["0", "1", "2"]
    assert [c.method.value for c in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert calendars[2].vevent.status.value == "CANCELLED"
    assert invitation_parts(official[2])[0].get_param("method") == "CANCEL"
    assert len(mails_to(smtp, "anna@beratung.example.org")) == 3


def test_smtp_down_then_up_the_mail_arrives_once(
    client, smtp, smtp_dispatcher, clock, create_counsellor
):
    create_counsellor("Anna")
    book(client, free_slots(client)[0]["start"])
    smtp.fail_next(2, 451)
    smtp_dispatcher.dispatch_due()
    assert smtp.received == []
    for _ in range(4):
        clock.advance(timedelta(minutes=5))
        smtp_dispatcher.dispatch_due()
    assert len(mails_to(smtp, "amt@example.org")) == 1
    clock.advance(timedelta(minutes=30))
    smtp_dispatcher.dispatch_due()
    assert len(mails_to(smtp, "amt@example.org")) == 1


def test_a_phone_appointment_is_mailed_without_a_room_saying_that_we_call(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor("Anna", email="anna@beratung.example.org")
    start = free_slots(client)[0]["start"]
    booked = book(client, start, type="phone", phone="0151 23456789").json
    assert booked["type"] == "phone" and "video_url" not in booked
    smtp_dispatcher.dispatch_until_idle()
    (official,) = mails_to(smtp, "amt@example.org")
    (counsellor,) = mails_to(smtp, "anna@beratung.example.org")
    assert official["Subject"] == "Telefontermin bestätigt: 26.11.2026, 12:00 Uhr"
    assert counsellor["Subject"] == "Telefontermin bestätigt: 26.11.2026, 12:00 Uhr"
    text = official.get_payload()[0].get_payload()[0].get_content()
    html = official.get_payload()[0].get_payload()[1].get_content()
    for said in (text, html):
        assert "Ihr Telefontermin mit der starken Stelle ist gebucht." in said
        assert "ruft Anna aus unserem Beratungsteam" in " ".join(said.split())
        assert "0800 300 99 44" in said and "+49151" in said
        assert "23456789" not in said  # the number masked
        assert "Videoraum" not in said and "meet.jit.si" not in said
        assert booked["manage_url"] in said
    counsellor_text = counsellor.get_payload()[0].get_payload()[0].get_content()
    assert "Sie haben einen neuen Telefontermin" in counsellor_text
    assert "ruft der Dienst Sie an" in counsellor_text
    assert "Videoraum" not in counsellor_text and "+49151" not in counsellor_text
    for message in (official, counsellor):
        calendar = calendar_of(invitation_parts(message)[0])
        assert calendar.method.value == "REQUEST"
        assert not hasattr(calendar.vevent, "location") and not hasattr(calendar.vevent, "url")
        assert calendar.vevent.summary.value.startswith("Telefontermin")
        assert "meet.jit.si" not in calendar.vevent.description.value
