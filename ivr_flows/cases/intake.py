"""Intake: greeting, language, safety and confidentiality notices, optional case number.

A caller who presses nothing hears German, skips the case number and is routed in the same
answer (ivr_flows.routing.route): silence never ends a call here.
"""

from __future__ import annotations

from dataclasses import replace

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.telephony.urls import voice_url
from ivr_flows.abuse.gate import screened
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.routing.route import route
from ivr_flows.speech import spoken_digits
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult, rendered_once

ENGLISH_KEY = "9"
CASE_NUMBER_TRIES = 2


def greeting(ctx: StepContext, step: StepInput) -> StepResult:
    """The first answer of a call: a blocked or challenged caller meets the gate first."""
    return screened(ctx, step) or StepResult(_greeting(ctx.public_base_url))


def greeting_for(public_base_url: str) -> str:
    """The greeting, for a caller who passed flood mode's challenge."""
    return _greeting(public_base_url)


@rendered_once
def _greeting(public_base_url: str) -> VoiceResponse:
    response = VoiceResponse()
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=3,
        action=voice_url(public_base_url, "intake/language"),
        action_on_empty_result=True,
    )
    prompts("de").say(gather, "greeting.welcome")
    prompts("en").say(gather, "greeting.offer_english")
    response.append(gather)
    return response


def choose_language(ctx: StepContext, step: StepInput) -> StepResult:
    """9 is English; anything else, including nothing, is German."""
    language = "en" if (step.digits or "").startswith(ENGLISH_KEY) else "de"
    return StepResult(_notices(language, ctx.public_base_url), Effects(language=language))


@rendered_once
def _notices(language: str, public_base_url: str) -> VoiceResponse:
    catalog = prompts(language)
    response = VoiceResponse()
    if language == "en":
        catalog.say(response, "greeting.welcome")
    catalog.say(response, "notices.safety")
    catalog.say(response, "notices.confidentiality")
    _ask_case_number(public_base_url, catalog, response, attempt=1, key="case_number.ask")
    return response


def case_number(ctx: StepContext, step: StepInput) -> StepResult:
    """Link the call to the case the caller names, or give it a new case stub."""
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    typed = (step.digits or "").strip()
    if not typed:
        return _continue_to_routing(ctx, step, response, Effects(open_new_case=True))
    reference = _known_reference(ctx, typed)
    if reference is not None:
        catalog.say(
            response, "case_number.linked", reference=spoken_digits(reference, catalog.lang)
        )
        return _continue_to_routing(ctx, step, response, Effects(link_case_reference=reference))
    if step.attempt < CASE_NUMBER_TRIES:
        _ask_case_number(
            ctx.public_base_url,
            catalog,
            response,
            attempt=step.attempt + 1,
            key="case_number.invalid_retry",
        )
        return StepResult(response)
    catalog.say(response, "case_number.invalid_give_up")
    return _continue_to_routing(ctx, step, response, Effects(open_new_case=True))


def _known_reference(ctx: StepContext, typed: str) -> str | None:
    try:
        reference = normalise_case_reference(typed)
    except InvalidCaseReference:
        return None
    return reference if ctx.case_exists(reference) else None


def _ask_case_number(
    public_base_url: str,
    catalog: PromptCatalog,
    response: VoiceResponse,
    *,
    attempt: int,
    key: str,
) -> None:
    gather = Gather(
        input="dtmf",
        num_digits=8,
        finish_on_key="#",
        timeout=6,
        action=voice_url(public_base_url, "intake/case-number", attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, key)
    response.append(gather)


def _continue_to_routing(
    ctx: StepContext, step: StepInput, response: VoiceResponse, effects: Effects
) -> StepResult:
    """Straight on to routing in the same answer: what the route step says (in line, closed,
    nobody on duty) follows what intake said, without a Redirect and its round trip."""
    routed = route(ctx, step)
    assert isinstance(routed.twiml, VoiceResponse)  # routing builds its answer per call
    for verb in routed.twiml.verbs:
        response.append(verb)
    routed_effects = routed.effects
    return StepResult(
        response,
        replace(
            effects,
            outcome=routed_effects.outcome,
            records=(*effects.records, *routed_effects.records),
        ),
    )


STEPS = (
    Step("incoming", greeting, answers_new_call=True),
    Step("intake/language", choose_language),
    # it routes the caller: the routing lock first, as for the route step
    Step("intake/case-number", case_number, routes=True),
)
