"""Phone appointments end to end: booked on /termin or through the API in the same slots as
video (by arrangement in the evening too), placed at their time by the scheduler's dispatcher
(in-process, the test clock) like a callback — the appointment's own counsellor rung first,
then the caller dialled from the hotline's number — moved and cancelled with their call, and
confirmed by SMS to a mobile number only."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentKind, AppointmentState
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.events import CaseEventKind
from hotline.counsellors.models import Counsellor
from scheduling.availability.service import WeeklyWindow, set_windows
from tests.support.appointments import free_slots, local_path, raised_booking_limit
from tests.support.callbacks import HOTLINE, CallbackDriver
from tests.support.times import berlin

hotline_config = raised_booking_limit
JSON = {"Accept": "application/json"}
MOBILE, MOBILE_E164 = "0151 23456789", "+4915123456789"
LANDLINE = "0228 9876543"
TUESDAY_SIX = berlin(2026, 12, 1, 18, 0)
SIX_PM = "2026-12-01T18:00:00+01:00"  # by arrangement: the line closes at 16:00


@pytest.fixture
def callbacks(twilio, svc, dispatcher, fake_twilio) -> CallbackDriver:
    return CallbackDriver(twilio, svc, dispatcher, fake_twilio)


@pytest.fixture
def anna(svc, create_counsellor) -> Counsellor:
    """Off duty for the line, with an evening window by arrangement on Tuesdays."""
    counsellor = create_counsellor("Anna", phone="+49 228 1111111", on_duty=False)
    with svc.database.transaction() as session:
        evening = WeeklyWindow(1, time(17), time(19))
        set_windows(session, counsellor.id, [evening], by_arrangement=True)
    return counsellor


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def book_on_the_page(client, start: str, **fields: str):
    html = client.get("/termin", query_string={"tag": start[:10]}).get_data(as_text=True)
    assert f'value="{start}"' in html, "the time is offered on its day"
    form = {
        "csrf_token": csrf_token(html),
        "tag": start[:10],
        "start": start,
        "type": "phone",
        "name": "Ratsfrau K.",
        "email": "",
        "phone": MOBILE,
        "case_reference": "",
        "consent": "ja",
        **fields,
    }
    return client.post("/termin", data=form)


def book_by_api(client, start: str, **fields: Any):
    body = {
        "type": "phone",
        "start": start,
        "name": "Ratsfrau K.",
        "phone": MOBILE,
        "consent": True,
        **fields,
    }
    return client.post("/api/v1/appointments", json=body)


def calls_of_appointments(svc) -> list[Callback]:
    with svc.database.transaction() as session:
        rows = list(
            session.scalars(
                select(Callback).where(Callback.appointment_id.is_not(None)).order_by(Callback.id)
            )
        )
        session.expunge_all()
        return rows


def test_a_phone_appointment_booked_on_the_page_for_six_pm_is_placed_at_six(
    client, svc, clock, callbacks, fake_twilio, anna, create_counsellor
):
    create_counsellor("Ben", phone="+49 228 2222222")  # on duty, free, no evening window
    booked = book_on_the_page(client, SIX_PM)
    assert booked.status_code == 303, booked.get_data(as_text=True)
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "<h1>Ihr Telefontermin</h1>" in page and "Dienstag, 1. Dezember 2026, 18:00 Uhr" in page
    assert "Videoraum" not in page and "meet.jit.si" not in page
    assert "+49151" in page and "23456789" not in page  # the number we call, masked
    with svc.database.transaction() as session:
        appointment = session.scalars(select(Appointment)).one()
        assert appointment.kind == AppointmentKind.PHONE and appointment.room is None
        assert appointment.counsellor_id == anna.id
        assert b"23456789" not in appointment.phone_encrypted  # encrypted at rest

    assert callbacks.ring() == []  # only the confirmation, by SMS to the mobile number
    (sms,) = fake_twilio.messages_sent()
    assert sms["To"] == [MOBILE_E164]
    assert "Telefontermin am 01.12.2026, 18:00 Uhr ist gebucht" in sms["Body"][0]
    clock.set(TUESDAY_SIX - timedelta(minutes=1))
    assert callbacks.ring() == []

    clock.set(TUESDAY_SIX)
    [leg] = callbacks.ring()
    assert leg.to == "+492281111111"  # her own appointment: Anna first, though off duty
    whisper = callbacks.answer(leg)
    assert "Telefontermin für Fall" in whisper and "vereinbart für heute um 18 Uhr" in whisper
    dial = callbacks.press_at_whisper(leg, "1")
    # dialled with answering-machine detection: no mailbox hears the case
    assert 'machineDetection="Enable" statusCallback="' in dial
    assert f">{MOBILE_E164}</Number>" in dial
    assert f'callerId="{HOTLINE}"' in dial and 'answerOnBridge="true"' in dial
    callbacks.dial_ends(leg, "completed")
    callbacks.press_after_call(leg, "1")
    callbacks.status(leg, "completed")

    (call,) = calls_of_appointments(svc)
    assert call.state == CallbackState.DONE and call.seat is None
    assert call.number_encrypted is None  # gone once the call has ended
    events = callbacks.case_events(call.case_id)
    assert events[0] == (
        CaseEventKind.PHONE_APPOINTMENT_BOOKED,
        "Telefontermin gebucht für 01.12.2026 18:00",
    )
    assert events[-1] == (
        CaseEventKind.PHONE_APPOINTMENT_CALL_DONE,
        "Telefontermin geführt (Versuch 1)",
    )
    assert callbacks.ring() == []


def test_its_counsellor_is_rung_first_then_the_others_in_turn(
    client, clock, callbacks, anna, create_counsellor
):
    create_counsellor("Ben", phone="+49 228 2222222")
    assert book_by_api(client, SIX_PM).status_code == 201
    clock.set(TUESDAY_SIX)
    [first] = callbacks.ring()
    assert first.to == "+492281111111"
    callbacks.status(first, "no-answer")
    [second] = callbacks.ring()
    assert second.to == "+492282222222" and second.attempt_id == first.attempt_id
    callbacks.status(second, "no-answer")
    assert callbacks.ring() == []  # nobody else: everyone again in five minutes
    clock.advance(timedelta(minutes=5))
    [again] = callbacks.ring()
    assert again.to == "+492281111111"  # and again her first
    callbacks.talk(again)
    (call,) = callbacks.attempts(callbacks.callback().id)
    assert call.outcome == "talked"


def test_a_caller_not_reached_is_tried_again_as_a_callback_would_be(client, clock, callbacks, anna):
    assert book_by_api(client, SIX_PM).status_code == 201
    clock.set(TUESDAY_SIX)
    [leg] = callbacks.ring()
    callbacks.answer(leg)
    callbacks.press_at_whisper(leg, "1")
    said = callbacks.dial_ends(leg, "busy")
    assert "Wir versuchen es heute um 18 Uhr 15 noch einmal." in said
    callbacks.status(leg, "completed")
    waiting = callbacks.callback()
    assert waiting.state == CallbackState.BOOKED and waiting.attempts == 1
    clock.set(TUESDAY_SIX + timedelta(minutes=15))  # the line is closed: placed all the same
    [again] = callbacks.ring()
    assert again.to == "+492281111111" and again.attempt_id != leg.attempt_id


def test_moving_moves_its_call_and_cancelling_withdraws_it(
    client, svc, clock, callbacks, fake_twilio, anna
):
    booked = book_by_api(client, SIX_PM).json
    assert booked["type"] == "phone" and "video_url" not in booked
    manage = local_path(booked["manage_url"])
    moved = client.post(manage + "/move", json={"start": "2026-12-08T17:00:00+01:00"}, headers=JSON)
    assert moved.status_code == 200, moved.json
    assert moved.json["type"] == "phone" and moved.json["start"] == "2026-12-08T17:00:00+01:00"
    old, new = calls_of_appointments(svc)
    assert old.state == CallbackState.CANCELED and old.number_encrypted is None
    assert new.state == CallbackState.BOOKED and new.due_at == berlin(2026, 12, 8, 17, 0)
    callbacks.ring()
    sent = [form["Body"][0] for form in fake_twilio.messages_sent()]
    assert any("verlegt auf 08.12.2026, 17:00 Uhr" in body for body in sent)

    clock.set(TUESDAY_SIX)
    assert callbacks.ring() == []  # the old time calls nobody
    clock.set(berlin(2026, 12, 8, 17, 0))
    [leg] = callbacks.ring()
    assert leg.to == "+492281111111"
    kinds = [text for _, text in callbacks.case_events(new.case_id)]
    assert "Telefontermin verlegt vom 01.12.2026 18:00 auf 08.12.2026 17:00" in kinds

    second = book_by_api(client, "2026-12-15T18:00:00+01:00").json
    clock.set(berlin(2026, 12, 14, 10, 0))
    cancelled = client.post(local_path(second["manage_url"]) + "/cancel", headers=JSON)
    assert cancelled.status_code == 200 and cancelled.json["state"] == "canceled"
    assert cancelled.json["phone"] is None  # the number is deleted with the cancellation
    *_, withdrawn = calls_of_appointments(svc)
    assert withdrawn.state == CallbackState.CANCELED and withdrawn.number_encrypted is None
    callbacks.ring()
    assert any("ist abgesagt" in form["Body"][0] for form in fake_twilio.messages_sent())
    clock.set(berlin(2026, 12, 15, 18, 0))
    assert callbacks.ring() == []
    events = [text for _, text in callbacks.case_events(withdrawn.case_id)]
    assert events[-1] == "Telefontermin am 15.12.2026 18:00 abgesagt"


def test_the_confirmation_goes_by_sms_to_a_mobile_number_and_not_to_a_landline(
    client, svc, callbacks, fake_twilio, create_counsellor
):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    landline = book_by_api(client, start, phone=LANDLINE)
    assert landline.status_code == 201, landline.json
    callbacks.ring()
    assert fake_twilio.messages_sent() == []
    mobile = book_by_api(client, free_slots(client)[0]["start"])
    assert mobile.status_code == 201
    callbacks.ring()
    (sms,) = fake_twilio.messages_sent()
    assert sms["To"] == [MOBILE_E164] and "0800 300 99 44" in sms["Body"][0]
    assert mobile.json["manage_url"] in sms["Body"][0] and "meet.jit.si" not in sms["Body"][0]


def test_phone_slots_are_the_video_slots(client, anna):
    for first_day in ("2026-11-26", "2026-12-01"):
        query = {"from": first_day, "days": 2}
        video = free_slots(client, **query)
        phone = free_slots(client, type="phone", **query)
        assert [slot["start"] for slot in phone] == [slot["start"] for slot in video]
        assert {slot["type"] for slot in phone} == {"phone"}
    evening = free_slots(client, type="phone", **{"from": "2026-12-01", "days": 1})
    assert SIX_PM in [slot["start"] for slot in evening]


def test_a_phone_appointment_needs_a_number_and_the_page_offers_no_callback(
    client, svc, create_counsellor
):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    missing = book_by_api(client, start, phone="", email="amt@example.org")
    assert missing.status_code == 422
    assert set(missing.json["error"]["fields"]) == {"phone"}
    premium = book_by_api(client, start, phone="0900 1234567")
    assert premium.status_code == 422
    assert "kostenpflichtige Sondernummer" in premium.json["error"]["fields"]["phone"]
    no_number = book_on_the_page(client, start, phone="")
    assert no_number.status_code == 422
    assert "Für einen Telefontermin oder einen Rückruf brauchen wir" in no_number.get_data(
        as_text=True
    )
    callback = book_on_the_page(client, start, type="callback")
    assert callback.status_code == 422
    assert "Bitte wählen Sie Telefon oder Video." in callback.get_data(as_text=True)
    with svc.database.transaction() as session:
        assert session.scalars(select(Appointment)).all() == []


def test_one_time_goes_once_across_phone_video_and_callback(
    app, live_server, svc, create_counsellor
):
    """20 concurrent bookings of one time with one counsellor free, as phone and video
    appointments and callbacks: exactly one wins."""
    create_counsellor("Anna")
    client = app.test_client()
    start = free_slots(client)[0]["start"]  # Thursday 12:00, a callback slot as well
    assert start in [slot["start"] for slot in free_slots(client, type="callback", days=1)]
    kinds = ("phone", "video", "callback")
    barrier = threading.Barrier(20)

    def attempt(number: int) -> tuple[str, int]:
        kind = kinds[number % 3]
        body: dict[str, Any] = {"type": kind, "start": start, "name": "X", "consent": True}
        if kind == "video":
            body["email"] = f"person{number}@example.org"
        else:
            body["phone"] = f"0151 2345{number:04d}"
        barrier.wait()
        response = requests.post(f"{live_server}/api/v1/appointments", json=body, timeout=30)
        return kind, response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert sorted(status for _, status in results) == [201] + [409] * 19
    with svc.database.transaction() as session:
        appointments = session.scalars(
            select(Appointment).where(Appointment.state == AppointmentState.BOOKED)
        ).all()
        seats = session.scalars(select(Callback).where(Callback.seat.is_not(None))).all()
        assert len(appointments) + len(seats) == 1


def test_an_appointment_booked_in_english_is_moved_and_cancelled_by_sms_in_english(
    client, svc, clock, callbacks, fake_twilio, anna
):
    """The SMS of every change speaks the language the official booked in (an English
    caller on the phone: `tests/ivr_flows/appointments`); the page answers in it too."""
    booked = book_on_the_page(client, SIX_PM)
    assert booked.status_code == 303
    with svc.database.transaction() as session:
        session.scalars(select(Appointment)).one().language = "en"
    callbacks.ring()  # the German confirmation, sent before the language changed
    link = booked.headers["Location"].split("?")[0]
    html = client.get(link).get_data(as_text=True)
    moved = client.post(
        f"{link}/move",
        data={
            "csrf_token": csrf_token(html),
            "tag": "2026-12-01",
            "start": "2026-12-01T17:00:00+01:00",
        },
    )
    assert moved.status_code == 303, moved.get_data(as_text=True)
    question = client.get(f"{link}/cancel").get_data(as_text=True)
    assert "Cancel the appointment?" in question
    done = client.post(f"{link}/cancel", data={"csrf_token": csrf_token(question)})
    assert done.status_code == 303
    assert "Your appointment is cancelled." in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    callbacks.ring()
    confirmation, *bodies = [sms["Body"][0] for sms in fake_twilio.messages_sent()]
    assert "Telefontermin" in confirmation
    assert any(
        "your phone appointment has been moved to 01/12/2026, 17:00" in body for body in bodies
    ), bodies
    assert any(
        "your phone appointment on 01/12/2026, 17:00 is cancelled" in body for body in bodies
    )
    assert not any("Telefontermin" in body for body in bodies)
