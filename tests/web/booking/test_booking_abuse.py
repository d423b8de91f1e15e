"""Booking abuse (issue 27): at most `[abuse] open_bookings_per_address` future appointments
and callbacks per e-mail address and per phone number, counted by their keyed hashes; the
next one is a 409 with a German message naming the e-mail address and 110. A blocked number
books nothing."""

from __future__ import annotations

from sqlalchemy import select

from hotline.abuse.hashing import CallerHasher
from hotline.appointments.models import Appointment
from tests.support.appointments import book, free_slots, local_path, raised_booking_limit
from tests.support.twilio import HASH_KEY

JSON = {"Accept": "application/json"}
hotline_config = raised_booking_limit  # the per-client limit is not what is tested here


def book_callback(client, start: str, phone: str = "0151 23456789"):
    return client.post(
        "/api/v1/appointments",
        json={"type": "callback", "start": start, "name": "A", "phone": phone, "consent": True},
    )


def test_a_third_open_booking_for_one_address_is_refused_with_a_german_409(
    client, svc, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben")
    starts = [slot["start"] for slot in free_slots(client)[:5]]
    first = book(client, starts[0], email="amt@example.org")
    assert first.status_code == 201
    assert book(client, starts[1], email=" AMT@example.org").status_code == 201  # the same

    third = book(client, starts[2], email="amt@example.org")

    assert third.status_code == 409
    refusal = third.json["error"]
    assert refusal["code"] == "too_many_bookings"
    assert "so viele Termine und Rückrufe offen" in refusal["message"]
    assert "info@starkestelle.de" in refusal["message"] and "110" in refusal["message"]
    assert book(client, starts[2], email="other@example.org").status_code == 201
    cancel = client.post(local_path(first.json["manage_url"]) + "/cancel", headers=JSON)
    assert cancel.status_code == 200
    assert book(client, starts[3], email="amt@example.org").status_code == 201
    with svc.database.transaction() as session:
        hashes = session.scalars(select(Appointment.email_hash)).all()
    assert CallerHasher([HASH_KEY]).email("amt@example.org") in hashes
    assert not any("amt" in (value or "") for value in hashes)


def test_the_booking_page_says_the_same(client, create_counsellor):
    create_counsellor("Anna"), create_counsellor("Ben")
    starts = [slot["start"] for slot in free_slots(client)[:3]]
    for start in starts[:2]:
        assert book(client, start, email="amt@example.org").status_code == 201
    page = client.get("/termin").get_data(as_text=True)
    from tests.support.staff import csrf_token

    refused = client.post(
        "/termin",
        data={
            "csrf_token": csrf_token(page),
            "type": "video",
            "start": starts[2],
            "name": "Frau Amtsträgerin",
            "email": "amt@example.org",
            "consent": "1",
        },
    )
    assert refused.status_code == 409
    assert "so viele Termine und Rückrufe offen" in refused.get_data(as_text=True)


def test_callbacks_and_phone_appointments_count_per_number(client, create_counsellor):
    create_counsellor("Anna"), create_counsellor("Ben")
    assert book_callback(client, "2026-11-26T13:15:00+01:00").status_code == 201
    phone = book(
        client,
        free_slots(client)[0]["start"],
        type="phone",
        email=None,
        phone="+49 151 23456789",  # the same number, written otherwise
    )
    assert phone.status_code == 201, phone.json

    third = book_callback(client, "2026-11-26T14:15:00+01:00")

    assert third.status_code == 409 and third.json["error"]["code"] == "too_many_bookings"
    assert book_callback(client, "2026-11-26T14:15:00+01:00", "0151 99887766").status_code == 201


def test_a_blocked_number_books_no_callback(client, twilio, hotline, create_counsellor):
    from tests.support.protection import Caller

    create_counsellor("Anna")
    call = Caller(twilio).calls_through("+4915123456789")
    assert hotline("block", "add", "--call", call.sid, "--reason", "x").exit_code == 0

    refused = book_callback(client, "2026-11-26T13:15:00+01:00", "0151 23456789")

    assert refused.status_code == 409 and refused.json["error"]["code"] == "booking_refused"
    assert "110" in refused.json["error"]["message"]
