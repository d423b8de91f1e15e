"""A callback placed: what the counsellor hears and does, before and after the caller.

The scheduler rings a counsellor; the whisper names the case and the booked time, and
pressing 1 dials the caller with the hotline's number (`answerOnBridge`: the counsellor hears
the ringing). Afterwards the counsellor says whether they talked (1) or reached a mailbox (2,
or `*` during the call); a busy or unanswered caller gets another attempt later. Counsellors
hear German.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from hotline.inputs import bounded_integer_or_none
from hotline.telephony.statuses import UNREACHED_STATUSES
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.records import (
    CallbackCallerAnswered,
    CallbackDeclined,
    CallbackTalked,
    CounsellorFree,
)
from ivr_flows.speech import spoken_digits, spoken_opening, spoken_slot
from ivr_flows.steps import Effects, Leg, Step, StepContext, StepInput, StepResult
from scheduling.callbacks.placing import WHISPER_PATH

DIAL_PATH = "callback/dial"
DIALED_PATH = "callback/dialed"
RESULT_PATH = "callback/result"
START_KEY, MAILBOX_KEY = "1", "2"
COUNSELLOR_LANGUAGE = "de"
RING_CALLER_SECONDS = 30


def whisper(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    view = ctx.placement.view(attempt_id) if attempt_id else None
    if view is None or not view.still_open:
        return _ending(catalog, response, "callback_call.not_open")
    reference = spoken_digits(view.case_reference or "", COUNSELLOR_LANGUAGE)
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=8,
        action=ctx.url(DIAL_PATH, attempt=attempt_id),
        action_on_empty_result=True,
    )
    if view.booked_for is not None:
        when = spoken_opening(  # "gebucht für …"
            view.booked_for,
            ctx.now,
            COUNSELLOR_LANGUAGE,
            tz=ctx.hours_config.timezone,
            case="accusative",
        )
        text = catalog.text("callback_call.whisper", reference=reference, when=when)
    else:
        text = catalog.text("callback_call.whisper_asap", reference=reference)
    gather.say(text, language=catalog.say_language, voice=catalog.voice, loop=2)
    response.append(gather)
    return StepResult(response)


def dial(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    if (step.digits or "").strip() != START_KEY:
        declined = Effects(records=(CallbackDeclined(attempt_id),))
        return _ending(catalog, response, "callback_call.passed_on", declined)
    number = ctx.placement.counsellor_accepts(attempt_id)  # a decision: still open?
    if number is None:
        return _ending(catalog, response, "callback_call.not_open")
    catalog.say(response, "callback_call.dialling")
    dial_verb = Dial(
        caller_id=ctx.hotline_number,
        answer_on_bridge=True,
        hangup_on_star=True,
        timeout=RING_CALLER_SECONDS,
        action=ctx.url(DIALED_PATH, attempt=attempt_id),
    )
    dial_verb.number(number)
    response.append(dial_verb)
    return StepResult(response)


def dialed(ctx: StepContext, step: StepInput) -> StepResult:
    """The caller's leg ended: talked, or not reached."""
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    status = step.params.get("DialCallStatus", "")
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    if status in UNREACHED_STATUSES:
        return _unreachable(ctx, catalog, response, attempt_id, status)
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=ctx.url(RESULT_PATH, attempt=attempt_id),
        action_on_empty_result=True,
    )
    catalog.say(gather, "callback_call.talked_or_mailbox")
    response.append(gather)
    return StepResult(response, Effects(records=(CallbackCallerAnswered(attempt_id),)))


def result(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    if (step.digits or "").strip() == MAILBOX_KEY:
        return _unreachable(ctx, catalog, response, attempt_id, "mailbox")
    # 1, or nothing pressed: they talked; after the wrap-up the counsellor takes the next
    talked = Effects(records=(CallbackTalked(attempt_id), CounsellorFree()))
    return _ending(catalog, response, "callback_call.done", talked)


def _unreachable(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    attempt_id: int,
    reason: str,
) -> StepResult:
    retry = ctx.placement.caller_unreachable(attempt_id, reason)  # a decision: again, when?
    free = Effects(records=(CounsellorFree(),))  # the counsellor is free for the next in line
    if retry is None:
        return _ending(catalog, response, "callback_call.failed", free)
    when = spoken_slot(retry, ctx.now, COUNSELLOR_LANGUAGE, tz=ctx.hours_config.timezone)
    catalog.say(response, "callback_call.retry", when=when)
    response.hangup()
    return StepResult(response, free)


def _ending(
    catalog: PromptCatalog, response: VoiceResponse, key: str, effects: Effects | None = None
) -> StepResult:
    catalog.say(response, key)
    response.hangup()
    return StepResult(response, effects or Effects())


def _attempt_id(step: StepInput) -> int | None:
    raw = step.params.get("attempt", "")
    return bounded_integer_or_none(raw)


STEPS = (
    Step(WHISPER_PATH, whisper, leg=Leg.COUNSELLOR, routes=True),
    Step(DIAL_PATH, dial, leg=Leg.COUNSELLOR, routes=True),
    Step(DIALED_PATH, dialed, leg=Leg.COUNSELLOR, routes=True),
    Step(RESULT_PATH, result, leg=Leg.COUNSELLOR, routes=True),
)
