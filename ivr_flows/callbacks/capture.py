"""A callback booked by phone: the number, then the time, then the confirmation.

The caller's own number is read back digit by digit (1 = yes, 2 = another number); a withheld
caller types one, ended by `#`, and hears it read back the same way (1 = yes, 2 = type it
again; at most three numbers). Numbers that cannot be called back are refused with the
reason and one more try; silence is answered as silence, not as a wrong key. Out of hours
the caller chooses one of the next free slots (or "as soon as possible", the first of them);
from the queue "as soon as possible" means now, for the next counsellor who is free. The
confirmation repeats the time and the case reference twice; a mobile number also gets an SMS
with nothing but the time, the reference and our name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.cases.references import display_case_reference
from hotline.inputs import bounded_integer_or_none
from hotline.telephony.models import CallOutcome
from hotline.telephony.phone_numbers import CallbackNumber, NumberRefused, callback_number
from ivr_flows import offered_times
from ivr_flows.callers_number import callers_own_number
from ivr_flows.contact import CALLBACK_START, FROM_CLOSED, FROM_NOBODY_FREE, end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.records import CallbackConfirmationSms, CallbackInLine, CallbackNumberTaken, Record
from ivr_flows.speech import spoken_digits, spoken_slot
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult
from scheduling.callbacks.desk import Booked

START_PATH = CALLBACK_START
CONFIRM_PATH = "callback/confirm"
TYPED_PATH = "callback/typed"
BOOK_PATH = "callback/book"
YES, ANOTHER = "1", "2"
MAX_ATTEMPTS = 3
MAX_TYPED_TRIES = 2  # refused numbers in a row, then the ways out
MAX_TYPED_NUMBERS = 3  # numbers typed and read back (a typo corrected with 2), then the ways out
FROM_QUEUE = "queue"


def start(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    own = callers_own_number(ctx, step)
    if own is None:
        _ask_to_type(ctx, catalog, response, via, attempt=1, typed=1)
    else:
        catalog.say(response, "callback.your_number", digits=_spoken(own, catalog))
        _ask_to_confirm(ctx, catalog, response, via, attempt=1, typed=0)
    return StepResult(response)


def confirm(ctx: StepContext, step: StepInput) -> StepResult:
    """1 takes the number read back (the caller's own, or the one they typed: `typed` counts
    the numbers typed so far, 0 for the own number); 2 asks for another one."""
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    pressed = (step.digits or "").strip()
    typed_so_far = _typed_so_far(step)
    number = _typed_number(ctx, step) if typed_so_far else callers_own_number(ctx, step)
    if pressed == YES and number is not None:
        booking = _Booking(  # the callback's case is the call's
            records=(CallbackNumberTaken(number),),
            by_sms=number.is_mobile,
            case_reference=step.call.case_reference,
        )
        return _choose_time(ctx, step, catalog, response, via, booking)
    if pressed == ANOTHER or number is None:
        if typed_so_far >= MAX_TYPED_NUMBERS:
            return StepResult(_give_up(ctx, catalog, response))
        _ask_to_type(ctx, catalog, response, via, attempt=1, typed=typed_so_far + 1)
        return StepResult(response)
    if step.attempt >= MAX_ATTEMPTS:
        return StepResult(_give_up(ctx, catalog, response))
    catalog.say_key_not_taken(response, pressed)
    _read_back(catalog, response, number, typed=typed_so_far)
    _ask_to_confirm(ctx, catalog, response, via, attempt=step.attempt + 1, typed=typed_so_far)
    return StepResult(response)


def typed(ctx: StepContext, step: StepInput) -> StepResult:
    """A typed number: refused with the reason, or kept on the call's draft and read back to
    be confirmed (1) or typed again (2)."""
    catalog, via = prompts(step.call.language), _via(step)
    response = VoiceResponse()
    digits = (step.digits or "").strip()
    typed_so_far = _typed_so_far(step) or 1
    try:
        number = callback_number(digits, hotline_number=ctx.hotline_number)
    except NumberRefused as refused:
        if digits:
            catalog.say(response, f"callback.refused_{refused.reason}")
        else:
            catalog.say_key_not_taken(response, digits)
        if step.attempt >= MAX_TYPED_TRIES:
            return StepResult(_give_up(ctx, catalog, response))
        catalog.say(response, "callback.once_more")
        _ask_to_type(ctx, catalog, response, via, attempt=step.attempt + 1, typed=typed_so_far)
        return StepResult(response)
    _read_back(catalog, response, number, typed=typed_so_far)
    _ask_to_confirm(ctx, catalog, response, via, attempt=1, typed=typed_so_far)
    # held on the draft while the caller confirms it
    return StepResult(response, Effects(records=(CallbackNumberTaken(number),)))


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
        catalog.say_key_not_taken(response, pressed)
        return _offer_times(ctx, catalog, response, offered, via, attempt=step.attempt + 1)
    if not ctx.callbacks.book(callback_id, chosen):  # a decision: the last seat may be gone
        catalog.say(response, "callback.slot_taken")
        booking = _Booking(callback_id=callback_id)
        return _choose_time(ctx, step, catalog, response, via, booking, step.attempt + 1)
    return _confirm(ctx, step, catalog, response, _Booking.of(ctx.callbacks.booked(callback_id)))


# --- inside ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Booking:
    """The callback the caller is booking, as this step has it: what the step records so far
    and what the confirmation says."""

    records: tuple[Record, ...] = ()  # the number taken, when this step took it
    callback_id: int | None = None  # None: the one the CallbackNumberTaken above holds
    by_sms: bool | None = None  # a mobile number: confirmed by SMS too (None: not known yet)
    when: datetime | None = None  # None: as soon as a counsellor is free
    case_reference: str | None = None

    @classmethod
    def of(cls, booked: Booked) -> _Booking:
        return cls(
            callback_id=booked.callback_id,
            by_sms=booked.by_sms,
            when=booked.when,
            case_reference=booked.case_reference,
        )


def _choose_time(
    ctx: StepContext,
    step: StepInput,
    catalog: PromptCatalog,
    response: VoiceResponse,
    via: str,
    booking: _Booking,
    attempt: int = 1,
) -> StepResult:
    if via == FROM_QUEUE:  # as soon as possible: now, keeping the caller's place in line
        return _confirm(ctx, step, catalog, response, _in_line(ctx, booking))
    taken = Effects(records=booking.records)
    slots = [slot.start for slot in ctx.callbacks.free_slots()]
    if not slots or attempt > MAX_ATTEMPTS:
        catalog.say(response, "callback.no_slot")
        return StepResult(_give_up(ctx, catalog, response), taken)
    catalog.say(response, "callback.choose_time")
    return StepResult(_offer_times(ctx, catalog, response, slots, via, attempt).twiml, taken)


def _in_line(ctx: StepContext, booking: _Booking) -> _Booking:
    """Due now, so no time to say; what the step does not know of the callback (only after a
    slot was taken) is read."""
    if booking.by_sms is None and booking.callback_id is not None:
        booking = _Booking.of(ctx.callbacks.booked(booking.callback_id))
    in_line = CallbackInLine(booking.callback_id)
    return replace(booking, records=(*booking.records, in_line), when=None)


def _offer_times(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    slots: list[datetime],
    via: str,
    attempt: int,
) -> StepResult:
    gather = offered_times.gather_choice(
        ctx,
        catalog,
        slots,
        path=BOOK_PATH,
        attempt=attempt,
        option_prompt="callback.slot_option",
        via=via,  # the booking's outcome says where the caller came from
    )
    catalog.say(gather, "callback.asap_option", digit=len(slots) + 1)
    response.append(gather)
    return StepResult(response)


def _confirm(
    ctx: StepContext,
    step: StepInput,
    catalog: PromptCatalog,
    response: VoiceResponse,
    booking: _Booking,
) -> StepResult:
    when = _when(ctx, booking.when, catalog) if booking.when else None
    if when:
        catalog.say(response, "callback.booked", when=when)
    else:
        catalog.say(response, "callback.booked_asap")
    if booking.case_reference:
        catalog.say(
            response,
            "callback.reference",
            reference=spoken_digits(booking.case_reference, catalog.lang),
        )
    reference = display_case_reference(booking.case_reference) if booking.case_reference else "-"
    sms = (
        catalog.text("sms.callback_booked", when=when, reference=reference)
        if when
        else catalog.text("sms.callback_asap", reference=reference)
    )
    records = booking.records
    if booking.by_sms:
        records = (*records, CallbackConfirmationSms(sms, booking.callback_id))
        catalog.say(response, "callback.sms_sent")
    catalog.say(response, "contact.acute")
    return StepResult(
        end_politely(response, catalog),
        Effects(outcome=_booked_outcome(step), records=records),
    )


def _give_up(ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse) -> VoiceResponse:
    catalog.say(response, "contact.email", email=ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


def _read_back(
    catalog: PromptCatalog, response: VoiceResponse, number: CallbackNumber, *, typed: int
) -> None:
    key = "callback.typed_number" if typed else "callback.your_number"
    catalog.say(response, key, digits=_spoken(number, catalog))


def _ask_to_confirm(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    via: str,
    *,
    attempt: int,
    typed: int,
) -> None:
    query: dict[str, object] = {"via": via, "attempt": attempt}
    if typed:
        query["typed"] = typed
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=ctx.url(CONFIRM_PATH, **query),
        action_on_empty_result=True,
    )
    catalog.say(gather, "callback.confirm")
    response.append(gather)


def _ask_to_type(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    via: str,
    *,
    attempt: int,
    typed: int,
) -> None:
    gather = Gather(
        input="dtmf",
        finish_on_key="#",
        num_digits=20,
        timeout=10,
        action=ctx.url(TYPED_PATH, via=via, attempt=attempt, typed=typed),
        action_on_empty_result=True,
    )
    catalog.say(gather, "callback.type_number")
    response.append(gather)


def _typed_number(ctx: StepContext, step: StepInput) -> CallbackNumber | None:
    """The number the caller typed, as the call's draft holds it."""
    held = ctx.callbacks.draft_number(step.call.call_sid)
    if held is None:
        return None
    try:
        return callback_number(held, hotline_number=ctx.hotline_number)
    except NumberRefused:
        return None


def _typed_so_far(step: StepInput) -> int:
    """How many numbers the caller has typed (the URL's `typed`; 0: none, the own number)."""
    raw = step.params.get("typed", "")
    return bounded_integer_or_none(raw, least=0, most=9) or 0


def _spoken(number: CallbackNumber, catalog: PromptCatalog) -> str:
    return spoken_digits(number.digits_to_read, catalog.lang)


def _when(ctx: StepContext, at: datetime, catalog: PromptCatalog) -> str:
    return spoken_slot(at, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)


def _booked_outcome(step: StepInput) -> CallOutcome:
    """Booked from the closed menu: out of hours, with a callback (for the statistics)."""
    if _via(step) == FROM_CLOSED:
        return CallOutcome.CLOSED_CALLBACK_BOOKED
    return CallOutcome.CALLBACK_REQUESTED


def _via(step: StepInput) -> str:
    """Where the caller comes from: the queue, a dead end while the line is open, or (also
    when the URL does not say) the closed menu."""
    via = step.params.get("via")
    return via if via in (FROM_QUEUE, FROM_NOBODY_FREE) else FROM_CLOSED


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
