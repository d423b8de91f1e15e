"""A counsellor placing a callback, as plain functions: declining, the caller answering and
talking are recorded; whether the attempt is still open and whether it is tried again are
decisions of the database, which the counsellor hears."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ivr_flows.callbacks import calls
from ivr_flows.prompts import prompts
from ivr_flows.records import (
    CallbackCallerAnswered,
    CallbackDeclined,
    CallbackMachineAnswered,
    CallbackTalked,
    CounsellorFree,
)
from ivr_flows.speech import spoken_slot
from tests.support.steps import NOW, Reads, step_context, step_input

ATTEMPT = 4
CALLER = "+4915123456789"
GERMAN = prompts("de")


def test_a_counsellor_who_does_not_press_1_declines_recorded_and_a_colleague_is_tried():
    result = calls.dial(step_context(), step_input("", attempt=str(ATTEMPT)))
    assert GERMAN.text("callback_call.passed_on") in str(result.twiml)
    assert result.effects.records == (CallbackDeclined(ATTEMPT),)


def test_a_counsellor_who_presses_1_dials_the_caller_if_the_attempt_is_still_open():
    placement = Reads(counsellor_accepts=CALLER)
    result = calls.dial(step_context(placement=placement), step_input("1", attempt=str(ATTEMPT)))
    # with answering-machine detection, screened before the legs are joined (issue 25)
    number = re.search(r"<Number ([^>]*)>([^<]*)</Number>", str(result.twiml))
    assert number.group(2) == CALLER and 'machineDetection="Enable"' in number.group(1)
    assert f"/callback/screen?attempt={ATTEMPT}" in number.group(1)
    assert result.effects.records == ()


def test_a_caller_who_picks_up_is_recorded_and_the_counsellor_asked_how_it_went():
    no_machine = Reads(view=None)  # answering-machine detection heard a person
    result = calls.dialed(
        step_context(placement=no_machine),
        step_input(attempt=str(ATTEMPT), DialCallStatus="completed"),
    )
    assert "callback/result?attempt=4" in str(result.twiml)
    assert result.effects.records == (CallbackCallerAnswered(ATTEMPT),)


def test_a_callback_talked_is_recorded_and_the_counsellor_is_free_for_the_next_in_line():
    result = calls.result(step_context(), step_input("1", attempt=str(ATTEMPT)))
    assert GERMAN.text("callback_call.done") in str(result.twiml)
    assert result.effects.records == (CallbackTalked(ATTEMPT), CounsellorFree())


@pytest.mark.parametrize("retry_in", [timedelta(minutes=15), None])
def test_a_caller_not_reached_is_tried_again_as_the_database_decides(retry_in):
    retry = NOW + retry_in if retry_in else None
    unreached = []
    placement = Reads(
        caller_unreachable=lambda attempt_id, reason: unreached.append(reason) or retry
    )
    result = calls.dialed(
        step_context(placement=placement), step_input(attempt=str(ATTEMPT), DialCallStatus="busy")
    )
    assert unreached == ["busy"]
    heard = str(result.twiml)
    if retry is None:
        assert GERMAN.text("callback_call.failed") in heard
    else:
        when = spoken_slot(retry, NOW, "de", tz=step_context().hours_config.timezone)
        assert GERMAN.text("callback_call.retry", when=when) in heard
    assert result.effects.records == (CounsellorFree(),)


def test_a_machine_on_the_callers_leg_is_recorded_and_hung_up_unheard():
    result = calls.screen(step_context(), step_input(attempt=str(ATTEMPT), AnsweredBy="fax"))
    assert "<Hangup" in str(result.twiml) and "<Say" not in str(result.twiml)
    assert result.effects.records == (CallbackMachineAnswered(ATTEMPT),)
    person = calls.screen(step_context(), step_input(attempt=str(ATTEMPT), AnsweredBy="human"))
    assert "<Hangup" not in str(person.twiml) and person.effects.records == ()
