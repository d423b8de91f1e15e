"""The wait in line as plain functions: what a waiting caller hears, and what the step
records (never writes) when Twilio names the queue, the caller asks for a callback or leaves."""

from __future__ import annotations

import pytest

from hotline.telephony.models import CallOutcome
from ivr_flows.prompts import prompts
from ivr_flows.records import CallbackRequested, CallerLeaves, QueueNoted
from ivr_flows.routing import waiting
from tests.support.steps import Reads, step_context, step_input

QUEUE_SID = "QU" + "a" * 32
GERMAN = prompts("de")


def _waiting(waited: float = 30.0, position: int = 2) -> Reads:
    return Reads(waited_seconds=waited, position=position, estimated_wait=None)


def test_a_waiting_caller_hears_their_place_and_the_queue_twilio_names_is_recorded():
    result = waiting.wait(
        step_context(routing=_waiting(position=2)),
        step_input(QueueSid=QUEUE_SID, QueueTime="30", round="1"),
    )
    assert GERMAN.text("queue.position", position=2) in str(result.twiml)
    assert result.effects.records == (QueueNoted(QUEUE_SID),)


def test_a_round_without_a_queue_named_records_nothing():
    result = waiting.wait(step_context(routing=_waiting()), step_input(round="1"))
    assert result.effects.records == ()


def test_a_caller_waiting_longer_than_the_longest_wait_leaves_the_queue():
    result = waiting.wait(
        step_context(routing=_waiting(waited=180.0)), step_input(QueueSid=QUEUE_SID)
    )
    assert "<Leave />" in str(result.twiml)
    assert result.effects.records == (QueueNoted(QUEUE_SID),)


def test_pressing_1_while_waiting_records_the_wish_for_a_callback_and_leaves_the_queue():
    result = waiting.choice(step_context(), step_input("1", round="3"))
    assert "<Leave />" in str(result.twiml)
    assert result.effects.records == (CallbackRequested(),)


def test_another_key_while_waiting_records_nothing_and_the_wait_goes_on():
    result = waiting.choice(step_context(), step_input("5", round="3"))
    assert "queue/wait?round=4" in str(result.twiml)
    assert result.effects.records == ()


@pytest.mark.parametrize(
    ("queue_result", "outcome", "heard"),
    [
        ("hangup", CallOutcome.ABANDONED_IN_QUEUE, None),
        ("leave", CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT, "queue.no_accept"),
        ("error", CallOutcome.TECHNICAL_FAILURE, "queue.failed"),
    ],
)
def test_a_caller_who_leaves_the_queue_unconnected_is_recorded_with_why(
    queue_result, outcome, heard
):
    result = waiting.queue_result(
        step_context(routing=Reads(wants_callback=False)), step_input(QueueResult=queue_result)
    )
    assert result.effects.records == (CallerLeaves(outcome),)
    if heard:
        assert GERMAN.text(heard) in str(result.twiml)


def test_a_caller_who_asked_for_a_callback_is_taken_to_it_and_nothing_more_is_recorded():
    result = waiting.queue_result(
        step_context(routing=Reads(wants_callback=True)), step_input(QueueResult="leave")
    )
    assert "callback/start?via=queue" in str(result.twiml)
    assert result.effects.records == ()


def test_a_caller_who_talked_hears_goodbye_and_nothing_is_recorded():
    result = waiting.queue_result(step_context(), step_input(QueueResult="bridged"))
    assert GERMAN.text("connect.after_talk") in str(result.twiml)
    assert result.effects.records == ()
