"""Reminders 24 h and 1 h before, with the clock moved: by mail, and by SMS to a mobile
number; never for a cancelled appointment, never at the old time of a moved one, never twice.
And the contact details: deleted a day after the end, at once when cancelled."""

from __future__ import annotations

from tests.support.appointments import appointments, book, local_path, raised_booking_limit
from tests.support.times import berlin

JSON = {"Accept": "application/json"}
MONDAY_TEN = "2026-11-30T10:00:00+01:00"
MONDAY_ELEVEN = "2026-11-30T11:00:00+01:00"


hotline_config = raised_booking_limit


def reminders(smtp, address="amt@example.org") -> list[str]:
    return [
        mail.message["Subject"]
        for mail in smtp.received
        if address in mail.recipients and mail.message["Subject"].startswith("Erinnerung")
    ]


def run_at(clock, smtp_dispatcher, *moment: int) -> None:
    clock.set(berlin(*moment))
    smtp_dispatcher.dispatch_until_idle()


def test_reminders_come_24_and_1_hours_before_by_mail_and_sms(
    client, clock, smtp_dispatcher, smtp, fake_twilio, create_counsellor
):
    create_counsellor("Anna")
    booked = book(client, MONDAY_TEN, phone="0151 23456789").json
    smtp_dispatcher.dispatch_until_idle()  # the confirmation
    run_at(clock, smtp_dispatcher, 2026, 11, 29, 9, 59)
    assert reminders(smtp) == []
    run_at(clock, smtp_dispatcher, 2026, 11, 29, 10, 0)
    assert reminders(smtp) == ["Erinnerung an Ihren Videotermin: 30.11.2026, 10:00 Uhr"]
    (sms,) = fake_twilio.messages_sent()
    assert sms["To"] == ["+4915123456789"]
    assert booked["manage_url"] in sms["Body"][0] and "Erinnerung" in sms["Body"][0]
    run_at(clock, smtp_dispatcher, 2026, 11, 30, 8, 59)
    assert len(reminders(smtp)) == 1
    run_at(clock, smtp_dispatcher, 2026, 11, 30, 9, 0)
    assert len(reminders(smtp)) == 2
    assert len(fake_twilio.messages_sent()) == 2
    mail = next(m.message for m in smtp.received if m.message["Subject"].startswith("Erinn"))
    assert booked["manage_url"] in mail.get_body(preferencelist=("plain",)).get_content()
    run_at(clock, smtp_dispatcher, 2026, 11, 30, 12, 0)
    assert len(reminders(smtp)) == 2  # never twice


def test_a_cancelled_appointment_reminds_nobody(
    client, clock, smtp_dispatcher, smtp, create_counsellor
):
    create_counsellor("Anna")
    booked = book(client, MONDAY_TEN).json
    client.post(local_path(booked["manage_url"]) + "/cancel", headers=JSON)
    run_at(clock, smtp_dispatcher, 2026, 11, 30, 9, 30)
    assert reminders(smtp) == []


def test_a_moved_appointment_is_reminded_at_its_new_time_only(
    client, clock, smtp_dispatcher, smtp, create_counsellor
):
    create_counsellor("Anna")
    booked = book(client, MONDAY_TEN).json
    moved = client.post(
        local_path(booked["manage_url"]) + "/move", json={"start": MONDAY_ELEVEN}, headers=JSON
    )
    assert moved.status_code == 200
    run_at(clock, smtp_dispatcher, 2026, 11, 29, 10, 30)
    assert reminders(smtp) == []  # the old 24-hour reminder was skipped
    run_at(clock, smtp_dispatcher, 2026, 11, 29, 11, 0)
    assert reminders(smtp) == ["Erinnerung an Ihren Videotermin: 30.11.2026, 11:00 Uhr"]
    run_at(clock, smtp_dispatcher, 2026, 11, 30, 10, 0)
    assert len(reminders(smtp)) == 2


def test_no_reminder_whose_time_has_passed_at_booking(
    client, clock, smtp_dispatcher, smtp, create_counsellor
):
    create_counsellor("Anna")
    book(client, "2026-11-26T13:00:00+01:00")  # in three hours: only the 1-hour reminder
    run_at(clock, smtp_dispatcher, 2026, 11, 26, 12, 0)
    assert reminders(smtp) == ["Erinnerung an Ihren Videotermin: 26.11.2026, 13:00 Uhr"]


def test_contact_details_are_deleted_a_day_after_the_end_and_at_once_on_cancel(
    client, clock, smtp_dispatcher, svc, create_counsellor
):
    create_counsellor("Anna")
    kept = book(client, MONDAY_TEN, phone="0151 23456789").json
    dropped = book(client, MONDAY_ELEVEN).json
    client.post(local_path(dropped["manage_url"]) + "/cancel", headers=JSON)
    by_start = {row.start: row for row in appointments(svc)}
    canceled = by_start[berlin(2026, 11, 30, 11)]
    assert canceled.email_encrypted is None and canceled.name_encrypted is None
    run_at(clock, smtp_dispatcher, 2026, 12, 1, 10, 44)
    assert by_start[berlin(2026, 11, 30, 10)].email_encrypted is not None
    run_at(clock, smtp_dispatcher, 2026, 12, 1, 10, 45)
    row = next(r for r in appointments(svc) if r.start == berlin(2026, 11, 30, 10))
    assert (row.name_encrypted, row.email_encrypted, row.phone_encrypted) == (None, None, None)
    assert client.get(local_path(kept["manage_url"]), headers=JSON).status_code == 200
