"""A video appointment booked by phone, out of hours (key 2 of the closed menu).

The caller hears the next free video slots and takes one by key; 0 steps on to the first
free times of a later day ("andere Zeiten"), up to the booking horizon. The appointment is booked
on the call's case, with the caller's number when it is shown and callable. A mobile number
gets an SMS with the manage link, where the official adds their e-mail address and then
receives the invitation with the video room; a landline or a withheld number hears the web
address and the case reference digit by digit, twice (the page says how to get the link).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from twilio.twiml.voice_response import VoiceResponse

from hotline.appointments.links import BOOKING_PATH
from hotline.appointments.models import BookedVia
from hotline.telephony.models import CallOutcome
from hotline.telephony.phone_numbers import NumberRefused, callback_number
from hotline.texts import text
from ivr_flows import offered_times
from ivr_flows.contact import end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spoken_address, spoken_digits, spoken_slot
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult
from scheduling.appointments.desk import Contact, SlotTaken

BOOK_PATH = "video/book"
MAX_ATTEMPTS = 3
OTHER_DAYS_KEY = "0"
# the name field of a booking nobody typed a name for
PHONE_NAME = text("appointments.phone_booking_name")


def offer(ctx: StepContext, step: StepInput, attempt: int = 1) -> StepResult:
    """The next free slots, one key each (called from the closed menu)."""
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    return _offer(ctx, catalog, response, attempt)


def book(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    offered = offered_times.decoded(step.params.get("slots", ""))
    pressed = (step.digits or "").strip()
    chosen = offered_times.by_key(pressed, offered)
    if pressed == OTHER_DAYS_KEY and offered:
        last_day = offered[-1].astimezone(ctx.hours_config.timezone).date()
        return _offer(ctx, catalog, response, step.attempt, from_day=last_day + timedelta(days=1))
    if chosen is None:
        if step.attempt >= MAX_ATTEMPTS or not offered:
            return StepResult(_web_and_goodbye(ctx, catalog, response))
        catalog.say_key_not_taken(response, pressed)
        return _gather(ctx, catalog, response, offered, step.attempt + 1)
    contact = _contact(ctx, step)
    try:
        booked = ctx.appointments.book(
            chosen, contact, via=BookedVia.PHONE, case_reference=step.call.case_reference
        )
    except SlotTaken:
        catalog.say(response, "video.slot_taken")
        return _offer(ctx, catalog, response, step.attempt + 1)
    catalog.say(response, "video.booked", when=_when(ctx, booked.start, catalog))
    reference = spoken_digits(booked.case_reference, catalog.lang)
    if contact.phone_is_mobile:
        catalog.say(response, "video.sms_follows")
    else:
        address = spoken_address(ctx.public_base_url + BOOKING_PATH, catalog.lang)
        catalog.say(response, "video.on_the_web", address=address)
    catalog.say(response, "video.reference", reference=reference)
    catalog.say(response, "contact.acute")
    return StepResult(
        end_politely(response, catalog),
        Effects(
            link_case_reference=booked.case_reference,
            outcome=CallOutcome.APPOINTMENT_BOOKED,
        ),
    )


def _offer(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    attempt: int,
    *,
    from_day: date | None = None,
) -> StepResult:
    free = ctx.appointments.next_free_slots(_how_many(ctx), from_day=from_day)
    slots = [slot.start for slot in free]
    if not slots or attempt > MAX_ATTEMPTS:
        catalog.say(response, "video.no_slot")
        return StepResult(_web_and_goodbye(ctx, catalog, response))
    catalog.say(response, "video.choose_time")
    return _gather(ctx, catalog, response, slots, attempt)


def _gather(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    slots: list[datetime],
    attempt: int,
) -> StepResult:
    gather = offered_times.gather_choice(
        ctx, catalog, slots, path=BOOK_PATH, attempt=attempt, option_prompt="video.slot_option"
    )
    catalog.say(gather, "video.other_days")
    response.append(gather)
    return StepResult(response)


def _contact(ctx: StepContext, step: StepInput) -> Contact:
    """The caller's own number when shown and callable (for the SMS and reminders)."""
    shown = None if step.call.caller_withheld else ctx.callbacks.caller_number(step.call.call_sid)
    try:
        number = callback_number(shown, hotline_number=ctx.hotline_number) if shown else None
    except NumberRefused:
        number = None
    if number is None:
        return Contact(name=PHONE_NAME)
    return Contact(name=PHONE_NAME, phone_e164=number.e164, phone_is_mobile=number.is_mobile)


def _web_and_goodbye(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse
) -> VoiceResponse:
    address = spoken_address(ctx.public_base_url + BOOKING_PATH, catalog.lang)
    catalog.say(response, "closed.video_on_web", address=address)
    catalog.say(response, "contact.email", email=ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


def _how_many(ctx: StepContext) -> int:
    return ctx.appointments.config.offered_by_phone


def _when(ctx: StepContext, at: datetime, catalog: PromptCatalog) -> str:
    return spoken_slot(at, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)


STEPS = (Step(BOOK_PATH, book),)
