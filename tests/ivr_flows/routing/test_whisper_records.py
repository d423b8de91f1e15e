"""The counsellor's leg as plain functions: letting a call pass is recorded; pressing 1 is
a decision the database makes (the caller may have left, a colleague may have been faster)."""

from __future__ import annotations

import pytest

from hotline.routing.desk import OfferView, queue_name
from hotline.routing.models import OfferState
from ivr_flows.prompts import prompts
from ivr_flows.records import OfferPassed
from ivr_flows.routing import whisper
from tests.support.steps import CALL_SID, Reads, step_context, step_input

OFFER = 7
GERMAN = prompts("de")


def _view(*, waiting: bool = True, connected: bool = False) -> OfferView:
    return OfferView(OFFER, CALL_SID, 3, OfferState.ANSWERED, "20260001", "de", waiting, connected)


@pytest.mark.parametrize(("pressed", "why"), [("", "no-key"), ("3", "other-key")])
def test_a_counsellor_who_does_not_press_1_lets_the_call_pass_recorded_with_why(pressed, why):
    result = whisper.answer(step_context(), step_input(pressed, offer=str(OFFER)))
    assert GERMAN.text("whisper.passed") in str(result.twiml)
    assert result.effects.records == (OfferPassed(OFFER, why),)


def test_a_counsellor_who_takes_the_call_is_connected_to_that_callers_queue():
    result = whisper.answer(
        step_context(routing=Reads(accept=_view())), step_input("1", offer=str(OFFER))
    )
    assert f"<Queue>{queue_name(CALL_SID)}</Queue>" in str(result.twiml)
    assert result.effects.records == ()


def test_a_counsellor_a_colleague_was_faster_than_hears_so_and_nothing_is_recorded():
    desk = Reads(accept=None, offer=_view(waiting=False, connected=True))
    result = whisper.answer(step_context(routing=desk), step_input("1", offer=str(OFFER)))
    assert GERMAN.text("whisper.taken") in str(result.twiml)
    assert result.effects.records == ()
