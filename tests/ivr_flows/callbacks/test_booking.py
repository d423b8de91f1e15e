"""Callbacks booked by phone, walked as whole calls through signed HTTP (out of hours from the
menu, and from the queue); the race for the last place of a slot with real threads."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.events import CaseEvent, CaseEventKind
from hotline.outbox.models import WorkItem
from hotline.simulator import EventKind
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.callbacks import SATURDAY_BOOKING
from tests.support.routing import RoutingDriver
from tests.support.times import berlin
from tests.support.twilio import CALLER, voice_params

SILENCE = "-"
MENU = [SILENCE, SILENCE, "1"]  # language, no case number, 1 = callback in the closed menu


def callbacks_in_database(svc) -> list[Callback]:
    with svc.database.transaction() as session:
        rows = list(session.scalars(select(Callback).order_by(Callback.id)))
        session.expunge_all()
        return rows


def booked_number(svc, callback: Callback) -> str:
    return svc.cipher.decrypt(callback.number_encrypted)


def sms_sent(transcript) -> list[str]:
    return [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]


def assert_ended_politely(transcript) -> None:
    assert transcript.application_errors == []
    assert all(200 <= record.status < 300 for record in transcript.requests)
    assert transcript.said("Auf Wiederhören")


def test_saturday_caller_books_a_callback_on_their_own_number(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call(SATURDAY_BOOKING)
    assert_ended_politely(transcript)
    assert transcript.said(
        "Wir würden Sie unter dieser Nummer zurückrufen: 0 1 5 1, 2 3 4 5, 6 7 8 9."
    )
    assert transcript.said("Am Montag, dem 30. November, um 9 Uhr: drücken Sie die 1.")
    assert transcript.said("Am Montag, dem 30. November, um 9 Uhr 15: drücken Sie die 2.")
    assert transcript.said("So bald wie möglich: drücken Sie die 4.")
    assert transcript.said("Wir rufen Sie am Montag, dem 30. November, um 9 Uhr an.")
    [callback] = callbacks_in_database(svc)
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        reference = call.case.reference
        assert call.outcome == CallOutcome.CLOSED_CALLBACK_BOOKED  # out of hours, for statistics
        events = session.execute(
            select(CaseEvent.kind).where(CaseEvent.case_id == callback.case_id)
        ).scalars()
        assert list(events) == [CaseEventKind.CALLBACK_BOOKED]
    spoken_reference = " ".join(reference[:4]) + ", " + " ".join(reference[4:])
    assert transcript.said(
        f"Ihre Fallnummer ist {spoken_reference}. Noch einmal: {spoken_reference}."
    )
    assert callback.state == CallbackState.BOOKED
    assert callback.slot_start == berlin(2026, 11, 30, 9, 0) == callback.due_at
    assert callback.case_id == call.case_id
    assert booked_number(svc, callback) == CALLER
    assert CALLER.encode() not in callback.number_encrypted
    # a mobile number: the SMS says when, the reference and who we are, nothing else
    assert transcript.said("auch per SMS")
    [sms] = sms_sent(transcript)
    assert sms == (
        "starke Stelle: Wir rufen Sie am Montag, dem 30. November, um 9 Uhr an. "
        f"Ihre Fallnummer: {reference[:4]} {reference[4:]}."
    )


def test_weekday_night_caller_books_on_another_landline_number_without_sms(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 26, 22, 30))  # Thursday night
    transcript = simulate_call([*MENU, "2", "022812345678#", "1", "2"])
    assert_ended_politely(transcript)
    assert transcript.said("Sie rufen außerhalb unserer Sprechzeiten an.")
    assert transcript.said("Sie haben diese Nummer eingegeben: 0 2 2 8, 1 2 3 4, 5 6 7 8.")
    assert transcript.said("Morgen, Freitag, den 27. November, um 9 Uhr 15: drücken Sie die 2.")
    assert transcript.said("Wir rufen Sie morgen, Freitag, den 27. November, um 9 Uhr 15 an.")
    assert not transcript.said("per SMS") and sms_sent(transcript) == []
    [callback] = callbacks_in_database(svc)
    assert booked_number(svc, callback) == "+4922812345678"
    assert callback.slot_start == berlin(2026, 11, 27, 9, 15)


def test_good_friday_anonymous_caller_types_a_foreign_mobile_and_takes_the_first_free_time(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2027, 3, 26, 10, 30))  # Karfreitag; Ostermontag is a holiday too
    transcript = simulate_call([*MENU, "00436641234567#", "1", "4"], caller="anonymous")
    assert_ended_politely(transcript)
    assert transcript.said("Heute ist Feiertag: Karfreitag.")
    assert not transcript.said("unter dieser Nummer zurückrufen:")  # nothing to read back
    assert transcript.said("Bitte geben Sie die Telefonnummer ein")
    assert transcript.said("Wir rufen Sie am Dienstag, dem 30. März, um 9 Uhr an.")
    [callback] = callbacks_in_database(svc)
    assert booked_number(svc, callback) == "+436641234567"
    assert callback.slot_start == berlin(2027, 3, 30, 9, 0)
    assert len(sms_sent(transcript)) == 1  # an Austrian mobile gets the SMS too


def test_invalid_then_premium_numbers_are_refused_with_the_reason_and_nothing_is_kept(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*MENU, "12345#", "09001234567#"], caller="anonymous")
    assert_ended_politely(transcript)
    assert transcript.said("Diese Nummer können wir leider nicht anrufen")
    assert transcript.said("Bitte versuchen Sie es noch einmal.")
    assert transcript.said("kostenpflichtige Sondernummer")
    assert transcript.said("info@starkestelle.de") and transcript.said("1 1 0")
    assert callbacks_in_database(svc) == []


def test_an_emergency_number_is_answered_with_110(simulate_call, clock, svc, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*MENU, "2", "110#", "q"])
    assert transcript.said("Das ist eine Notrufnummer.")
    assert callbacks_in_database(svc) == []


def test_a_caller_who_presses_nothing_at_the_times_keeps_no_number(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*MENU, "1"], silent_after_keys=True)
    assert_ended_politely(transcript)
    assert transcript.spoken_text.count("Wann sollen wir Sie zurückrufen?") == 1
    assert transcript.spoken_text.count("So bald wie möglich: drücken Sie die 4.") == 3
    assert transcript.said("info@starkestelle.de")
    assert callbacks_in_database(svc) == []  # the draft with the number went with the call


def test_a_caller_who_hangs_up_while_choosing_keeps_no_number(
    simulate_call, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call([*MENU, "1", "q"])
    assert callbacks_in_database(svc) == []


def test_nobody_on_duty_in_hours_offers_a_callback(simulate_call, svc, create_counsellor):
    create_counsellor("Anna", on_duty=False)  # off the phone now, but free for a callback later
    transcript = simulate_call([SILENCE, SILENCE, "1", "1", "1"])
    assert transcript.said("niemand von uns am Telefon erreichbar")
    assert transcript.said("Wir rufen Sie")
    [callback] = callbacks_in_database(svc)
    assert callback.state == CallbackState.BOOKED
    with svc.database.transaction() as session:  # the line was open: not counted out of hours
        assert find_call(session, transcript.call_sid).outcome == CallOutcome.CALLBACK_REQUESTED


def test_no_counsellor_available_in_the_next_days_is_said_honestly(simulate_call, clock, svc):
    clock.set(berlin(2026, 11, 28, 11, 0))  # nobody at all: no capacity anywhere
    transcript = simulate_call(MENU, silent_after_keys=True)
    assert transcript.said("Wir würden Sie unter dieser Nummer zurückrufen")
    transcript = simulate_call([*MENU, "1"], silent_after_keys=True)
    assert transcript.said("Leider ist in den nächsten Tagen kein Rückruf mehr frei.")
    assert callbacks_in_database(svc) == []


def test_the_place_taken_meanwhile_is_said_and_the_next_free_times_offered(
    twilio, clock, svc, create_counsellor
):
    """Two callers heard the same times; the first takes the only place at 9:00."""
    create_counsellor("Anna")  # one counsellor: one place per slot
    clock.set(berlin(2026, 11, 28, 11, 0))
    first, second = "CA" + "1" * 32, "CA" + "2" * 32
    for sid in (first, second):
        twilio.incoming(sid)
        twilio.post("/twilio/voice/route", voice_params(sid))
        twilio.post("/twilio/voice/closed?attempt=1", voice_params(sid, Digits="1"))
        twilio.post("/twilio/voice/callback/start?via=closed", voice_params(sid))
    offers = {
        sid: twilio.post(
            "/twilio/voice/callback/confirm?via=closed&attempt=1", voice_params(sid, Digits="1")
        ).get_data(as_text=True)
        for sid in (first, second)
    }
    book_path = _book_action(offers[second])
    assert book_path == _book_action(offers[first])
    won = twilio.post(book_path, voice_params(first, Digits="1")).get_data(as_text=True)
    assert "Wir rufen Sie am Montag, dem 30. November, um 9 Uhr an." in won
    lost = twilio.post(book_path, voice_params(second, Digits="1")).get_data(as_text=True)
    assert "Diese Zeit ist gerade vergeben worden." in lost
    assert "Am Montag, dem 30. November, um 9 Uhr 15: drücken Sie die 1." in lost
    again = twilio.post(_book_action(lost), voice_params(second, Digits="1")).get_data(as_text=True)
    assert "um 9 Uhr 15 an." in again
    starts = sorted(c.slot_start for c in callbacks_in_database(svc))
    assert starts == [berlin(2026, 11, 30, 9, 0), berlin(2026, 11, 30, 9, 15)]


def test_callers_racing_for_the_last_places_are_let_through_by_the_database(
    app, clock, svc, create_counsellor
):
    """Six callers press the key for Monday 9:00 at the same moment; two counsellors are
    available then, so exactly two get it and the others hear the next free times."""
    from tests.support.twilio import TwilioRequests

    create_counsellor("Anna")
    create_counsellor("Ben")
    clock.set(berlin(2026, 11, 28, 11, 0))
    sids = [f"CA{index:032d}" for index in range(6)]
    setup = TwilioRequests(app.test_client())
    paths = []
    for sid in sids:
        setup.incoming(sid)
        setup.post("/twilio/voice/route", voice_params(sid))
        setup.post("/twilio/voice/closed?attempt=1", voice_params(sid, Digits="1"))
        setup.post("/twilio/voice/callback/start?via=closed", voice_params(sid))
        offer = setup.post(
            "/twilio/voice/callback/confirm?via=closed&attempt=1", voice_params(sid, Digits="1")
        ).get_data(as_text=True)
        paths.append(_book_action(offer))
    answers: dict[str, str] = {}
    start = threading.Barrier(len(sids))

    def book(sid: str, path: str) -> None:
        client = TwilioRequests(app.test_client())
        start.wait()
        answers[sid] = client.post(path, voice_params(sid, Digits="1")).get_data(as_text=True)

    threads = [threading.Thread(target=book, args=pair) for pair in zip(sids, paths, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [sid for sid, text in answers.items() if "um 9 Uhr an." in text]
    losers = [sid for sid, text in answers.items() if "gerade vergeben" in text]
    assert len(answers) == 6 and len(winners) == 2 and len(losers) == 4
    with svc.database.transaction() as session:
        at_nine = session.scalar(
            select(func.count())
            .select_from(Callback)
            .where(Callback.slot_start == berlin(2026, 11, 30, 9, 0))
        )
    assert at_nine == 2


def test_from_the_queue_as_soon_as_possible_is_due_now_for_the_next_free_counsellor(
    twilio, svc, clock, dispatcher, fake_twilio, create_counsellor
):
    create_counsellor("Anna")
    switch = RoutingDriver(twilio, svc, dispatcher, fake_twilio)
    sid = "CA" + "7" * 32
    switch.caller_waits(sid)
    clock.advance(timedelta(seconds=50))
    assert "queue/choice?round=3" in switch.wait_round(sid, 3, 45)
    assert "<Leave" in switch.post(sid, "queue/choice?round=3", Digits="1").get_data(as_text=True)
    assert "callback/start?via=queue" in switch.queue_result(sid, "leave")
    start = switch.post(sid, "callback/start?via=queue").get_data(as_text=True)
    assert "0 1 5 1, 2 3 4 5, 6 7 8 9" in start
    booked = switch.post(sid, "callback/confirm?via=queue&attempt=1", Digits="1").get_data(
        as_text=True
    )
    assert "so bald wie möglich" in booked and "Wann sollen wir" not in booked
    switch.caller_hangs_up(sid)
    [callback] = callbacks_in_database(svc)
    assert callback.slot_start is None and callback.due_at == clock.now()
    # it kept the caller's place, the head of the line, and Anna is free: she is rung for it
    # at once, the counsellor first as for every callback
    assert callback.state == CallbackState.CALLING and callback.line_since is not None
    with svc.database.transaction() as session:
        rings = session.scalars(
            select(WorkItem).where(WorkItem.kind == "place_call", WorkItem.state == "pending")
        ).all()
        assert [item.idempotency_key.split(":")[0] for item in rings] == ["callback"]
        assert [item.due_at for item in rings] == [clock.now()]
        assert find_call(session, sid).outcome == CallOutcome.CALLBACK_REQUESTED


def test_the_english_caller_books_in_english(simulate_call, clock, svc, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call(["9", SILENCE, "1", "1", "1"])
    assert transcript.application_errors == [] and transcript.said("Goodbye")
    assert transcript.said("We would call you back on this number")
    assert transcript.said("We will call you on Monday 30 November at 9 a.m.")
    assert "a.m.." not in transcript.spoken_text
    assert len(callbacks_in_database(svc)) == 1
    assert not transcript.of_kind(EventKind.ENQUEUE)


def _book_action(twiml: str) -> str:
    action = twiml.split('action="')[1].split('"')[0].replace("&amp;", "&")
    assert "/callback/book?" in action, twiml
    return action.removeprefix("https://hotline.example.org")


def test_the_hotlines_own_number_is_refused(simulate_call, clock, svc, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call([*MENU, "08003009944#", "q"], caller="anonymous")
    assert transcript.said("Das ist die Nummer der starken Stelle selbst.")
    assert callbacks_in_database(svc) == []
