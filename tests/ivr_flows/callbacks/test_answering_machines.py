"""No mailbox hears a case (issue 25): the caller's leg of a callback is dialled with
answering-machine detection; a machine is hung up before the legs are joined, the counsellor
hears "Mailbox" and decides whether to leave the fixed neutral message (after the beep) or
hang up; the attempt counts as not reached and is tried again. Over signed HTTP, with the
scheduler's dispatcher and the fake Twilio server."""

from __future__ import annotations

import pytest

from hotline.callbacks.models import CallbackState
from ivr_flows.prompts import prompts
from tests.support.callbacks import SATURDAY_BOOKING, CallbackDriver
from tests.support.times import berlin

MONDAY_NINE = berlin(2026, 11, 30, 9, 0)
GERMAN = prompts("de")
CASE_WORDS = ("Fall", "starke Stelle", "Hass", "Bedrohung", "Beratung")


@pytest.fixture
def callbacks(twilio, svc, dispatcher, fake_twilio) -> CallbackDriver:
    return CallbackDriver(twilio, svc, dispatcher, fake_twilio)


@pytest.fixture
def leg_dialling(simulate_call, clock, callbacks, create_counsellor):
    """A callback booked for Monday 9:00, its counsellor rung and pressing 1."""
    create_counsellor("Anna", phone="+49 228 1111111")
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call(SATURDAY_BOOKING)
    clock.set(MONDAY_NINE)
    [leg] = callbacks.ring()
    callbacks.answer(leg)
    callbacks.press_at_whisper(leg, "1")
    return leg


def test_a_person_who_answers_is_joined_to_the_counsellor(callbacks, leg_dialling):
    assert callbacks.caller_leg_answers(leg_dialling, "human").count("<") <= 3  # empty: join
    asked = callbacks.dial_ends(leg_dialling, "completed")
    assert GERMAN.text("callback_call.talked_or_mailbox") in asked


def test_a_mailbox_is_hung_up_unheard_and_the_counsellor_may_hang_up(
    callbacks, leg_dialling, clock
):
    screened = callbacks.caller_leg_answers(leg_dialling, "machine_start")
    assert "<Hangup" in screened and "<Say" not in screened  # the mailbox hears nothing
    told = callbacks.dial_ends(leg_dialling, "completed")
    assert told.count("Mailbox.") == 1 and "neutrale Nachricht" in told
    ended = callbacks.press_at_mailbox(leg_dialling, "")  # nothing pressed: hung up
    assert "Wir versuchen es" in ended and "<Hangup" in ended
    callback = callbacks.callback()
    assert callback.state == CallbackState.BOOKED and callback.due_at > clock.now()
    (attempt,) = callbacks.attempts(callback.id)
    assert attempt.outcome == "caller-mailbox" and attempt.ended_at == clock.now()


def test_the_counsellor_leaves_the_neutral_message_after_the_beep(
    callbacks, leg_dialling, fake_twilio, clock
):
    callbacks.caller_leg_answers(leg_dialling, "machine_end_beep")
    callbacks.dial_ends(leg_dialling, "completed")
    again = callbacks.press_at_mailbox(leg_dialling, "1")
    assert 'machineDetection="DetectMessageEnd"' in again
    assert "/callback/message?attempt=" in again and "answerOnBridge" not in again
    message_url = again.split('url="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    path = message_url.split("hotline.example.org", 1)[1]
    spoken = callbacks.caller_leg_answers(leg_dialling, "machine_end_beep", path=path)
    assert GERMAN.text("callback_call.neutral_message") in spoken and "<Hangup" in spoken
    assert not any(word in spoken for word in CASE_WORDS)  # neither the case nor the topic
    after = callbacks.message_dial_ends(leg_dialling)
    assert GERMAN.text("callback_call.message_left") in after and "Wir versuchen es" in after
    (attempt,) = callbacks.attempts(callbacks.callback().id)
    assert attempt.outcome == "caller-mailbox"


def test_a_fax_counts_as_a_machine_and_unknown_as_a_person(callbacks, leg_dialling):
    assert "<Hangup" not in callbacks.caller_leg_answers(leg_dialling, "unknown")
    assert "<Hangup" in callbacks.caller_leg_answers(leg_dialling, "fax")
