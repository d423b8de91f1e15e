"""A callback booked by phone: the number, then the time, then the confirmation.

The caller's own number is read back digit by digit (1 = yes, 2 = another number); a withheld
caller types one, ended by `#`. Numbers that cannot be called back are refused with the
reason and one more try. Out of hours the caller chooses one of the next free slots (or "as
soon as possible", the first of them); from the queue "as soon as possible" means now, for
the next counsellor who is free. The confirmation repeats the time and the case reference
twice; a mobile number also gets an SMS with nothing but the time, the reference and our name.
"""

from __future__ import annotations

from datetime import datetime

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.cases.references import display_case_reference
from hotline.telephony.models import CallOutcome
from hotline.telephony.phone_numbers import CallbackNumber, NumberRefused, callback_number
from ivr_flows import offered_times
from ivr_flows.contact import CALLBACK_START, end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spoken_digits, spoken_slot
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult

START_PATH = CALLBACK_START
CONFIRM_PATH = "callback/confirm"
TYPED_PATH = "callback/typed"
BOOK_PATH = "callback/book"
YES, ANOTHER = "1", "2"
MAX_ATTEMPTS = 3
MAX_TYPED_TRIES = 2
FROM_QUEUE = "queue"


def start(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    own = _own_number(ctx, step)
    if own is None:
        _ask_to_type(ctx, catalog, response, via, attempt=1)
    else:
        catalog.say(response, "callback.your_number", digits=_spoken(own, catalog))
        _ask_to_confirm(ctx, catalog, response, via, attempt=1)
    return StepResult(response)


def confirm(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    pressed = (step.digits or "").strip()
    own = _own_number(ctx, step)
    if pressed == YES and own is not None:
        callback_id = ctx.callbacks.take_number(step.call.call_sid, own)
        return _choose_time(ctx, step, catalog, response, via, callback_id)
    if pressed == ANOTHER or own is None:
        _ask_to_type(ctx, catalog, response, via, attempt=1)
        return StepResult(response)
    if step.attempt >= MAX_ATTEMPTS:
        return StepResult(_give_up(ctx, catalog, response))
    catalog.say(response, "menu.invalid")
    catalog.say(response, "callback.your_number", digits=_spoken(own, catalog))
    _ask_to_confirm(ctx, catalog, response, via, attempt=step.attempt + 1)
    return StepResult(response)


def typed(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    try:
        number = callback_number(step.digits or "", hotline_number=ctx.hotline_number)
    except NumberRefused as refused:
        catalog.say(response, f"callback.refused_{refused.reason}")
        if step.attempt >= MAX_TYPED_TRIES:
            return StepResult(_give_up(ctx, catalog, response))
        catalog.say(response, "callback.once_more")
        _ask_to_type(ctx, catalog, response, via, attempt=step.attempt + 1)
        return StepResult(response)
    catalog.say(response, "callback.typed_number", digits=_spoken(number, catalog))
    callback_id = ctx.callbacks.take_number(step.call.call_sid, number)
    return _choose_time(ctx, step, catalog, response, via, callback_id)


def book(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    callback_id = ctx.callbacks.draft_of(step.call.call_sid)
    offered = offered_times.decoded(step.params.get("slots", ""))
    pressed = (step.digits or "").strip()
    if callback_id is None:  # a repeat after the booking, or the draft is gone
        return StepResult(_give_up(ctx, catalog, response))
    chosen = _chosen(pressed, offered)
    if chosen is None:
        if step.attempt >= MAX_ATTEMPTS:
            return StepResult(_give_up(ctx, catalog, response))
        catalog.say(response, "menu.invalid")
        return _offer_times(ctx, catalog, response, offered, attempt=step.attempt + 1)
    if not ctx.callbacks.book(callback_id, chosen):
        catalog.say(response, "callback.slot_taken")
        return _choose_time(ctx, step, catalog, response, via, callback_id, step.attempt + 1)
    return _confirm(ctx, step, catalog, response, callback_id)


# --- inside ---------------------------------------------------------------------------------
def _choose_time(
    ctx: StepContext,
    step: StepInput,
    catalog: PromptCatalog,
    response: VoiceResponse,
    via: str,
    callback_id: int,
    attempt: int = 1,
) -> StepResult:
    if via == FROM_QUEUE:
        ctx.callbacks.book_as_soon_as_possible(callback_id)
        return _confirm(ctx, step, catalog, response, callback_id)
    slots = [slot.start for slot in ctx.callbacks.free_slots()]
    if not slots or attempt > MAX_ATTEMPTS:
        catalog.say(response, "callback.no_slot")
        return StepResult(_give_up(ctx, catalog, response))
    catalog.say(response, "callback.choose_time")
    return _offer_times(ctx, catalog, response, slots, attempt)


def _offer_times(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    slots: list[datetime],
    attempt: int,
) -> StepResult:
    gather = offered_times.gather_choice(
        ctx, catalog, slots, path=BOOK_PATH, attempt=attempt, option_prompt="callback.slot_option"
    )
    catalog.say(gather, "callback.asap_option", digit=len(slots) + 1)
    response.append(gather)
    return StepResult(response)


def _confirm(
    ctx: StepContext,
    step: StepInput,
    catalog: PromptCatalog,
    response: VoiceResponse,
    callback_id: int,
) -> StepResult:
    booked = ctx.callbacks.booked(callback_id)
    when = _when(ctx, booked.when, catalog) if booked.when else None
    if when:
        catalog.say(response, "callback.booked", when=when)
    else:
        catalog.say(response, "callback.booked_asap")
    if booked.case_reference:
        catalog.say(
            response,
            "callback.reference",
            reference=spoken_digits(booked.case_reference, catalog.lang),
        )
    reference = display_case_reference(booked.case_reference) if booked.case_reference else "-"
    sms = (
        catalog.text("sms.callback_booked", when=when, reference=reference)
        if when
        else catalog.text("sms.callback_asap", reference=reference)
    )
    if ctx.callbacks.confirm_by_sms(callback_id, sms):
        catalog.say(response, "callback.sms_sent")
    catalog.say(response, "contact.acute")
    return StepResult(
        end_politely(response, catalog), Effects(outcome=CallOutcome.CALLBACK_REQUESTED)
    )


def _give_up(ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse) -> VoiceResponse:
    catalog.say(response, "contact.email", email=ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


def _ask_to_confirm(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, via: str, attempt: int
) -> None:
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=ctx.url(CONFIRM_PATH, via=via, attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, "callback.confirm")
    response.append(gather)


def _ask_to_type(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, via: str, attempt: int
) -> None:
    gather = Gather(
        input="dtmf",
        finish_on_key="#",
        num_digits=20,
        timeout=10,
        action=ctx.url(TYPED_PATH, via=via, attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, "callback.type_number")
    response.append(gather)


def _own_number(ctx: StepContext, step: StepInput) -> CallbackNumber | None:
    if step.call.caller_withheld:
        return None
    shown = ctx.callbacks.caller_number(step.call.call_sid)
    if not shown:
        return None
    try:
        return callback_number(shown, hotline_number=ctx.hotline_number)
    except NumberRefused:
        return None


def _spoken(number: CallbackNumber, catalog: PromptCatalog) -> str:
    return spoken_digits(number.digits_to_read, catalog.lang)


def _when(ctx: StepContext, at: datetime, catalog: PromptCatalog) -> str:
    return spoken_slot(at, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)


def _via(step: StepInput) -> str:
    return FROM_QUEUE if step.params.get("via") == FROM_QUEUE else "closed"


def _chosen(pressed: str, offered: list[datetime]) -> datetime | None:
    if offered and pressed == str(len(offered) + 1):  # as soon as possible: the first time
        return offered[0]
    return offered_times.by_key(pressed, offered)


STEPS = (
    Step(START_PATH, start),
    Step(CONFIRM_PATH, confirm),
    Step(TYPED_PATH, typed),
    Step(BOOK_PATH, book),
)
