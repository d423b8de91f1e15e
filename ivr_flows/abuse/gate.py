"""Before the greeting: a blocked number, or one that called too often, hears a short
neutral sentence, the e-mail address and 110, then the call ends; in flood mode the caller
first types the digits they hear (`ivr_flows.abuse.challenge` takes the answer).

The language is not chosen yet: everything here is said in German, then in English.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.abuse.screening import Verdict
from hotline.telephony.models import CallOutcome
from ivr_flows.prompts import LANGUAGES, prompts
from ivr_flows.records import ChallengeAsked
from ivr_flows.steps import Effects, StepContext, StepInput, StepResult

CHALLENGE_PATH = "protection/challenge"
CHALLENGE_TRIES = 2
_REFUSED = {
    Verdict.BLOCKED: CallOutcome.BLOCKED,
    Verdict.TOO_MANY_CALLS: CallOutcome.TOO_MANY_CALLS,
}


def screened(ctx: StepContext, step: StepInput) -> StepResult | None:
    """The refusal or the challenge this caller meets; None: on to the greeting."""
    verdict = ctx.unit.screen_caller(step.caller_hashes)
    if verdict in _REFUSED:
        return refusal(ctx, _REFUSED[verdict])
    if verdict == Verdict.CHALLENGE:
        return ask_digits(ctx, ctx.unit.new_challenge_digits(), attempt=1)
    return None


def refusal(
    ctx: StepContext, outcome: CallOutcome, *, key: str = "protection.refused"
) -> StepResult:
    """The sentence, where to write, 110 — in both languages — and the end of the call."""
    response = VoiceResponse()
    for lang in LANGUAGES:
        catalog = prompts(lang)
        catalog.say(response, key)
        catalog.say(response, "contact.email", email=ctx.contact_email)
        catalog.say(response, "contact.acute")
    response.hangup()
    return StepResult(response, Effects(outcome=outcome))


def ask_digits(ctx: StepContext, digits: str, *, attempt: int) -> StepResult:
    key = "protection.challenge" if attempt == 1 else "protection.challenge_again"
    response = VoiceResponse()
    gather = Gather(
        input="dtmf",
        num_digits=len(digits),
        timeout=8,
        action=ctx.url(CHALLENGE_PATH, attempt=attempt),
        action_on_empty_result=True,
    )
    spoken = " ".join(digits)
    for lang in LANGUAGES:
        prompts(lang).say(gather, key, digits=spoken)
    response.append(gather)
    return StepResult(response, Effects(records=(ChallengeAsked(digits),)))
