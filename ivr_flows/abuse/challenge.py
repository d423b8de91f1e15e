"""The answer to the voice challenge of flood mode: the right digits lead to the greeting
(and on to the line like any caller); wrong ones are asked once more with new digits; a
second failure hears the e-mail address and 110, and the call ends."""

from __future__ import annotations

from hotline.telephony.models import CallOutcome
from ivr_flows.abuse.gate import CHALLENGE_PATH, CHALLENGE_TRIES, ask_digits, refusal
from ivr_flows.cases.intake import greeting_for
from ivr_flows.records import ChallengeFailed, ChallengePassed
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult


def challenge_answer(ctx: StepContext, step: StepInput) -> StepResult:
    expected = ctx.unit.challenge_digits(step.call.call_sid)
    typed = (step.digits or "").strip()
    if expected is not None and typed == expected:
        return StepResult(greeting_for(ctx.public_base_url), Effects(records=(ChallengePassed(),)))
    if expected is not None and step.attempt < CHALLENGE_TRIES:
        asked = ask_digits(ctx, ctx.unit.new_challenge_digits(), attempt=step.attempt + 1)
        records = (ChallengeFailed(), *asked.effects.records)
        return StepResult(asked.twiml, Effects(records=records))
    refused = refusal(ctx, CallOutcome.CHALLENGE_FAILED, key="protection.challenge_failed")
    return StepResult(
        refused.twiml,
        Effects(outcome=CallOutcome.CHALLENGE_FAILED, records=(ChallengeFailed(),)),
    )


STEPS = (Step(CHALLENGE_PATH, challenge_answer),)
