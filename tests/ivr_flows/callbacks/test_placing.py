"""Booked callbacks placed at their time: the scheduler's dispatcher (in-process, the test
clock) rings counsellors through the real gateway against the local fake Twilio server, and
the counsellor's leg is answered over signed HTTP as Twilio would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hotline.callbacks.models import CallbackState
from hotline.cases.events import CaseEventKind
from hotline.counsellors.service import set_on_duty
from scheduling.hours.overrides import set_override
from tests.support.callbacks import HOTLINE, SATURDAY_BOOKING, CallbackDriver
from tests.support.times import berlin
from tests.support.twilio import CALLER

MONDAY_NINE = berlin(2026, 11, 30, 9, 0)


# the caller's leg reports its end, to be logged (and deleted at Twilio with its case)
LOGGED = 'statusCallback="https://[^"]+/twilio/voice/status" statusCallbackEvent="completed"'


@pytest.fixture
def callbacks(twilio, svc, dispatcher, fake_twilio) -> CallbackDriver:
    return CallbackDriver(twilio, svc, dispatcher, fake_twilio)


@pytest.fixture
def booked(simulate_call, clock, callbacks):
    """A callback booked on Saturday for Monday 9:00 (on the caller's own mobile number)."""

    def book():
        clock.set(berlin(2026, 11, 28, 11, 0))
        simulate_call(SATURDAY_BOOKING)
        callback = callbacks.callback()
        assert callback.due_at == MONDAY_NINE
        return callback

    return book


def test_nothing_is_placed_before_the_booked_time(booked, callbacks, clock, create_counsellor):
    create_counsellor("Anna")
    booked()
    clock.set(MONDAY_NINE - timedelta(minutes=1))
    assert callbacks.ring() == []


def test_at_the_booked_time_the_counsellor_accepts_and_the_caller_answers(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna", phone="+49 228 1111111")
    callback = booked()
    clock.set(MONDAY_NINE)
    [leg] = callbacks.ring()
    assert leg.to == "+492281111111"
    whisper = callbacks.answer(leg)
    reference = callbacks.case_reference(callback.case_id)
    spoken = " ".join(reference[:4]) + ", " + " ".join(reference[4:])
    assert f"Rückruf für Fall {spoken}, gebucht für heute um 9 Uhr." in whisper
    assert "Drücken Sie 1, um den Rückruf jetzt zu starten." in whisper
    dial = callbacks.press_at_whisper(leg, "1")
    number = rf'<Number machineDetection="Enable" {LOGGED} url="[^"]+">{re.escape(CALLER)}<'
    assert re.search(number, dial)
    assert f'callerId="{HOTLINE}"' in dial and 'answerOnBridge="true"' in dial
    assert "record" not in dial.lower()
    assert callbacks.callback().state == CallbackState.CALLING
    asked = callbacks.dial_ends(leg, "completed")
    assert "Wenn das Gespräch stattgefunden hat, drücken Sie die 1." in asked
    assert "Danke, der Rückruf ist erledigt." in callbacks.press_after_call(leg, "1")
    callbacks.status(leg, "completed")
    done = callbacks.callback()
    assert done.state == CallbackState.DONE and done.ended_at == clock.now()
    assert done.number_encrypted is None  # the number is gone once the callback has ended
    [attempt] = callbacks.attempts(done.id)
    assert attempt.outcome == "talked"
    kinds = [kind for kind, _ in callbacks.case_events(done.case_id)]
    assert kinds == [CaseEventKind.CALLBACK_BOOKED, CaseEventKind.CALLBACK_DONE]
    assert callbacks.ring() == []  # nothing else to do


def test_a_counsellor_who_does_not_answer_is_followed_by_the_next(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna", phone="+49 228 1111111")
    create_counsellor("Ben", phone="+49 228 2222222")
    booked()
    clock.set(MONDAY_NINE)
    [first] = callbacks.ring()
    callbacks.status(first, "no-answer")
    clock.advance(timedelta(seconds=30))
    [second] = callbacks.ring()
    assert {first.to, second.to} == {"+492281111111", "+492282222222"}
    assert second.attempt_id == first.attempt_id  # still the first attempt to reach the caller
    callbacks.talk(second)
    assert callbacks.callback().state == CallbackState.DONE


def test_a_counsellor_who_declines_at_the_whisper_passes_it_on(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna")
    create_counsellor("Ben")
    booked()
    clock.set(MONDAY_NINE)
    [first] = callbacks.ring()
    callbacks.answer(first)
    assert "Kollegin oder einem Kollegen" in callbacks.press_at_whisper(first, "5")
    callbacks.status(first, "completed")
    [second] = callbacks.ring()
    assert second.to != first.to
    assert "Rückruf für Fall" in callbacks.answer(second)


def test_nobody_free_looks_again_in_five_minutes_and_asks_everyone_again(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna", phone="+49 228 1111111")
    booked()
    clock.set(MONDAY_NINE)
    [first] = callbacks.ring()
    callbacks.status(first, "no-answer")
    assert callbacks.ring() == []  # Anna was tried in this round; nobody else is on duty
    waiting = callbacks.callback()
    assert waiting.state == CallbackState.BOOKED
    assert waiting.due_at == MONDAY_NINE + timedelta(minutes=5)
    clock.advance(timedelta(minutes=4))
    assert callbacks.ring() == []
    clock.set(MONDAY_NINE + timedelta(minutes=5))
    [second] = callbacks.ring()
    assert second.to == "+492281111111" and second.attempt_id == first.attempt_id
    assert callbacks.callback().state == CallbackState.CALLING


def test_a_second_look_does_not_ring_anyone_while_a_counsellor_is_still_rung(
    booked, callbacks, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    create_counsellor("Ben", on_duty=False)
    booked()
    clock.set(MONDAY_NINE)
    [first] = callbacks.ring()
    callbacks.status(first, "no-answer")
    callbacks.ring()  # nobody else: a look at 9:05 is queued
    clock.set(MONDAY_NINE + timedelta(minutes=5))
    [again] = callbacks.ring()  # Anna rung again ...
    callback = callbacks.callback()
    with svc.database.transaction() as session:  # ... and Ben comes while her phone rings
        set_on_duty(session, "Ben", True, clock.now())
        from hotline.callbacks.work import place_callback_work
        from hotline.outbox import queue

        queue.enqueue(
            session, svc.cipher, clock.now(), place_callback_work(callback.id, 1, clock.now(), "x")
        )
    assert callbacks.ring() == []  # one counsellor at a time for one callback
    callbacks.talk(again)
    assert callbacks.callback().state == CallbackState.DONE


def test_a_callback_nobody_takes_for_two_hours_fails_with_a_follow_up(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna")
    callback = booked()
    clock.set(MONDAY_NINE)
    rung = 0
    while clock.now() < MONDAY_NINE + timedelta(hours=2, minutes=10):
        for leg in callbacks.ring():
            rung += 1
            callbacks.answer(leg)
            callbacks.press_at_whisper(leg, "2")  # lets it pass
            callbacks.status(leg, "completed")
        assert callbacks.ring() == []  # nobody else: the next look in five minutes
        clock.advance(timedelta(minutes=5))
    assert rung == 25  # 9:00 to 11:00, every five minutes; then given up
    failed = callbacks.callback()
    assert failed.state == CallbackState.FAILED and failed.number_encrypted is None
    kinds = [kind for kind, _ in callbacks.case_events(callback.case_id)]
    assert kinds[-2:] == [CaseEventKind.CALLBACK_FAILED, CaseEventKind.FOLLOW_UP]


def test_a_caller_who_does_not_answer_is_tried_again_after_15_minutes(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna")
    callback = booked()
    clock.set(MONDAY_NINE)
    [leg] = callbacks.ring()
    callbacks.answer(leg)
    callbacks.press_at_whisper(leg, "1")
    said = callbacks.dial_ends(leg, "no-answer")
    assert "Wir versuchen es heute um 9 Uhr 15 noch einmal." in said
    callbacks.status(leg, "completed")
    waiting = callbacks.callback()
    assert waiting.state == CallbackState.BOOKED
    assert waiting.due_at == MONDAY_NINE + timedelta(minutes=15)
    assert waiting.number_encrypted is not None
    clock.advance(timedelta(minutes=14))
    assert callbacks.ring() == []
    clock.advance(timedelta(minutes=1))
    [again] = callbacks.ring()
    assert again.attempt_id != leg.attempt_id
    callbacks.talk(again)
    assert callbacks.callback().state == CallbackState.DONE
    outcomes = [a.outcome for a in callbacks.attempts(callback.id)]
    assert outcomes == ["caller-no-answer", "talked"]


def test_a_mailbox_the_counsellor_rejects_counts_as_not_reached(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna")
    booked()
    clock.set(MONDAY_NINE)
    [leg] = callbacks.ring()
    callbacks.answer(leg)
    callbacks.press_at_whisper(leg, "1")
    callbacks.dial_ends(leg, "completed")
    assert "noch einmal" in callbacks.press_after_call(leg, "2")
    assert callbacks.callback().state == CallbackState.BOOKED


def test_three_failures_end_as_failed_with_a_follow_up_on_the_case(
    booked, callbacks, clock, create_counsellor
):
    create_counsellor("Anna")
    callback = booked()
    clock.set(MONDAY_NINE)
    for busy_or_not in ("busy", "no-answer", "busy"):
        [leg] = callbacks.ring()
        callbacks.answer(leg)
        callbacks.press_at_whisper(leg, "1")
        said = callbacks.dial_ends(leg, busy_or_not)
        callbacks.status(leg, "completed")
        clock.advance(timedelta(minutes=15))
    assert "zur Nachverfolgung markiert" in said
    failed = callbacks.callback()
    assert failed.state == CallbackState.FAILED and failed.attempts == 3
    assert failed.number_encrypted is None
    assert callbacks.ring() == []
    events = callbacks.case_events(callback.case_id)
    kinds = [kind for kind, _ in events]
    assert kinds.count(CaseEventKind.CALLBACK_ATTEMPT) == 3
    assert kinds[-2:] == [CaseEventKind.CALLBACK_FAILED, CaseEventKind.FOLLOW_UP]
    assert all(CALLER not in text and CALLER[3:] not in text for _, text in events)


def test_a_callback_due_while_an_override_closes_the_line_moves_to_the_next_opening(
    booked, callbacks, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    booked()
    clock.set(MONDAY_NINE - timedelta(minutes=5))
    with svc.database.transaction() as session:
        set_override(
            session,
            is_open=False,
            until=berlin(2026, 11, 30, 11, 0),
            note="Teamtag",
            now=clock.now(),
        )
    clock.set(MONDAY_NINE)
    assert callbacks.ring() == []
    moved = callbacks.callback()
    assert moved.state == CallbackState.BOOKED
    assert moved.due_at == berlin(2026, 11, 30, 11, 0)
    clock.set(berlin(2026, 11, 30, 11, 0))
    [leg] = callbacks.ring()
    assert "Rückruf für Fall" in callbacks.answer(leg)


def test_a_day_closed_after_booking_moves_the_callback_to_the_next_morning(
    booked, callbacks, clock, svc, create_counsellor
):
    create_counsellor("Anna")
    booked()
    with svc.database.transaction() as session:  # the whole Monday closed after all
        set_override(
            session,
            is_open=False,
            until=berlin(2026, 12, 1, 0, 0),
            note="Betriebsausflug",
            now=MONDAY_NINE - timedelta(hours=1),
        )
    clock.set(MONDAY_NINE)
    assert callbacks.ring() == []
    assert callbacks.callback().due_at == berlin(2026, 12, 1, 9, 0)


def test_a_counsellor_on_a_callback_is_not_rung_for_a_caller_in_the_queue(
    booked, callbacks, clock, create_counsellor, twilio, dispatcher, fake_twilio, svc
):
    from tests.support.routing import RoutingDriver

    create_counsellor("Anna")
    booked()
    clock.set(MONDAY_NINE)
    [leg] = callbacks.ring()
    callbacks.answer(leg)
    callbacks.press_at_whisper(leg, "1")
    switch = RoutingDriver(twilio, svc, dispatcher, fake_twilio)
    waiting = "CA" + "5" * 32
    answer = switch.caller_waits(waiting)  # Anna is on duty: the caller waits for her
    assert "<Enqueue" in answer and "niemand von uns" not in answer
    assert switch.ring() == []  # not while she is on the callback
    callbacks.dial_ends(leg, "completed")
    callbacks.press_after_call(leg, "1")
    callbacks.status(leg, "completed")
    assert switch.ring() == []  # nor during her wrap-up
    clock.advance(timedelta(seconds=60))
    (for_the_caller,) = switch.ring()
    assert for_the_caller.offer_id and "Fall" in switch.answer(for_the_caller)
