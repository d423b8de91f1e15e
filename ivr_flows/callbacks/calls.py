"""A callback placed: what the counsellor hears and does, before and after the caller.

The scheduler rings a counsellor; the whisper names the case and the booked time, and
pressing 1 dials the caller with the hotline's number (`answerOnBridge`: the counsellor hears
the ringing). Afterwards the counsellor says whether they talked (1) or reached a mailbox (2,
or `*` during the call); a busy or unanswered caller gets another attempt later. Counsellors
hear German.

No mailbox hears a case: the caller's leg is dialled with Twilio's answering-machine
detection, and its answer URL (`screen`) is asked before the legs are joined. A mailbox or
fax is hung up unheard; the counsellor hears "Mailbox" and may press 1 to leave a fixed
neutral message (dialled again, spoken after the beep, naming neither the case nor the
topic) or hang up; either way the attempt counts as not reached and is tried again.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from hotline.inputs import bounded_integer_or_none
from hotline.telephony.statuses import UNREACHED_STATUSES
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.records import (
    CallbackCallerAnswered,
    CallbackDeclined,
    CallbackMachineAnswered,
    CallbackTalked,
    CounsellorFree,
)
from ivr_flows.speech import spoken_digits, spoken_opening, spoken_slot
from ivr_flows.steps import Effects, Leg, Step, StepContext, StepInput, StepResult
from scheduling.callbacks.placing import WHISPER_PATH

DIAL_PATH = "callback/dial"
DIALED_PATH = "callback/dialed"
RESULT_PATH = "callback/result"
SCREEN_PATH = "callback/screen"  # the caller's leg, answered: a person or a machine?
MESSAGE_CHOICE_PATH = "callback/mailbox"  # the counsellor: leave the neutral message?
MESSAGE_PATH = "callback/message"  # the caller's mailbox, after the beep: the message
MESSAGE_LEFT_PATH = "callback/message-left"
START_KEY, MAILBOX_KEY, LEAVE_MESSAGE_KEY = "1", "2", "1"
# what Twilio's AnsweredBy says of a machine (a person: "human"; not sure: "unknown")
MACHINES = frozenset(
    {"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"}
)
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
        key = "whisper_phone_appointment" if view.phone_appointment else "whisper"
        text = catalog.text(f"callback_call.{key}", reference=reference, when=when)
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
    dial_verb.number(
        number,
        machine_detection="Enable",
        url=ctx.url(SCREEN_PATH, attempt=attempt_id),
        **_leg_logged(ctx),
    )
    response.append(dial_verb)
    return StepResult(response)


def screen(ctx: StepContext, step: StepInput) -> StepResult:
    """The caller's leg answered, before it is joined to the counsellor: a machine is hung
    up unheard (an empty answer joins a person, or one the detection is unsure of)."""
    attempt_id = _attempt_id(step)
    if step.params.get("AnsweredBy", "") not in MACHINES or attempt_id is None:
        return StepResult(VoiceResponse())
    response = VoiceResponse()
    response.hangup()
    return StepResult(response, Effects(records=(CallbackMachineAnswered(attempt_id),)))


def dialed(ctx: StepContext, step: StepInput) -> StepResult:
    """The caller's leg ended: talked, or not reached."""
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    status = step.params.get("DialCallStatus", "")
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    if status in UNREACHED_STATUSES:
        return _unreachable(ctx, catalog, response, attempt_id, status)
    view = ctx.placement.view(attempt_id)
    if view is not None and view.machine:
        _ask(ctx, catalog, response, "callback_call.mailbox", MESSAGE_CHOICE_PATH, attempt_id)
        return StepResult(response)
    _ask(ctx, catalog, response, "callback_call.talked_or_mailbox", RESULT_PATH, attempt_id)
    return StepResult(response, Effects(records=(CallbackCallerAnswered(attempt_id),)))


def _ask(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    key: str,
    path: str,
    attempt_id: int,
) -> None:
    """One key asked of the counsellor after the caller's leg (nothing pressed counts too)."""
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=8,
        action=ctx.url(path, attempt=attempt_id),
        action_on_empty_result=True,
    )
    catalog.say(gather, key)
    response.append(gather)


def mailbox_choice(ctx: StepContext, step: StepInput) -> StepResult:
    """After "Mailbox": 1 dials the caller once more to leave the neutral message after the
    beep; anything else (or nothing) ends the attempt as not reached."""
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    view = ctx.placement.view(attempt_id)
    if (step.digits or "").strip() != LEAVE_MESSAGE_KEY or view is None or not view.machine:
        return _unreachable(ctx, catalog, response, attempt_id, "mailbox")
    number = ctx.placement.number_of(attempt_id)
    if number is None:
        return _unreachable(ctx, catalog, response, attempt_id, "mailbox")
    dial_verb = Dial(
        caller_id=ctx.hotline_number,
        timeout=RING_CALLER_SECONDS,
        action=ctx.url(MESSAGE_LEFT_PATH, attempt=attempt_id),
    )
    dial_verb.number(
        number,
        machine_detection="DetectMessageEnd",  # the message after the beep, not into it
        url=ctx.url(MESSAGE_PATH, attempt=attempt_id),
        **_leg_logged(ctx),
    )
    response.append(dial_verb)
    return StepResult(response)


def _leg_logged(ctx: StepContext) -> dict[str, str]:
    """The caller's leg reports its end, so that it is logged as a call (a child of the
    counsellor's leg): Twilio keeps a record of it with the official's number, which the
    retention sweep and an erasure can then ask Twilio to delete like any other."""
    return {"status_callback": ctx.status_callback_url, "status_callback_event": "completed"}


def message(ctx: StepContext, step: StepInput) -> StepResult:
    """The caller's mailbox, after the beep: the fixed neutral message, then hang up, so the
    counsellor is never joined to it. Should a person answer this time, they hear the same
    and are called again at the next attempt."""
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    catalog.say(response, "callback_call.neutral_message")
    response.hangup()
    return StepResult(response)


def message_left(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(COUNSELLOR_LANGUAGE), VoiceResponse()
    attempt_id = _attempt_id(step)
    if attempt_id is None:
        return _ending(catalog, response, "callback_call.not_open")
    catalog.say(response, "callback_call.message_left")
    return _unreachable(ctx, catalog, response, attempt_id, "mailbox")


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
    Step(SCREEN_PATH, screen, leg=Leg.CALLED_BACK),
    Step(MESSAGE_CHOICE_PATH, mailbox_choice, leg=Leg.COUNSELLOR, routes=True),
    Step(MESSAGE_PATH, message, leg=Leg.CALLED_BACK),
    Step(MESSAGE_LEFT_PATH, message_left, leg=Leg.COUNSELLOR, routes=True),
)
