"""An appointment booked by phone, out of hours: a video appointment (key 2 of the closed
menu) or a phone appointment (key 4, or offered to a landline caller who chose video).

The caller hears the next free video slots and takes one by key; 0 steps on to the first
free times of a later day ("andere Zeiten"), up to the booking horizon. The appointment is booked
on the call's case, with the caller's number when it is shown and callable. A mobile number
gets an SMS with the manage link, where the official adds their e-mail address and then
receives the invitation with the video room; a landline or a withheld number hears the web
address and the case reference digit by digit, twice (the page says how to get the link).
A phone appointment needs the number the caller calls from: they hear the date read back
twice and that the counsellor will call that number then (a mobile gets an SMS as well).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from twilio.twiml.voice_response import VoiceResponse

from hotline.appointments.links import BOOKING_PATH
from hotline.appointments.models import AppointmentKind, BookedVia
from hotline.telephony.models import CallOutcome
from hotline.texts import text
from ivr_flows import offered_times
from ivr_flows.callers_number import callers_own_number
from ivr_flows.contact import end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spoken_address, spoken_digits, spoken_slot
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult
from scheduling.appointments.desk import BookedAppointment, Contact, SlotTaken
from scheduling.appointments.phone_calls import NoNumberToCall

BOOK_PATH = "video/book"
MAX_ATTEMPTS = 3
OTHER_DAYS_KEY = "0"
# the name field of a booking nobody typed a name for
PHONE_NAME = text("appointments.phone_booking_name")


def offer(
    ctx: StepContext,
    step: StepInput,
    attempt: int = 1,
    kind: AppointmentKind = AppointmentKind.VIDEO,
) -> StepResult:
    """The next free slots, one key each (called from the closed menu). A phone appointment
    without a number to call says so and the ways out instead."""
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    if kind == AppointmentKind.PHONE and not _contact(ctx, step).phone_e164:
        catalog.say(response, "phone_appointment.no_number")
        return StepResult(_web_and_goodbye(ctx, catalog, response))
    return _offer(ctx, catalog, response, attempt, kind=kind)


def book(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    offered = offered_times.decoded(step.params.get("slots", ""))
    kind = _kind(step)
    pressed = (step.digits or "").strip()
    chosen = offered_times.by_key(pressed, offered)
    if pressed == OTHER_DAYS_KEY and offered:
        last_day = offered[-1].astimezone(ctx.hours_config.timezone).date()
        later = last_day + timedelta(days=1)
        return _offer(ctx, catalog, response, step.attempt, kind=kind, from_day=later)
    if chosen is None:
        if step.attempt >= MAX_ATTEMPTS or not offered:
            return StepResult(_web_and_goodbye(ctx, catalog, response))
        catalog.say_key_not_taken(response, pressed)
        return _gather(ctx, catalog, response, offered, step.attempt + 1, kind)
    contact = _contact(ctx, step)
    try:
        booked = ctx.appointments.book(
            chosen,
            contact,
            via=BookedVia.PHONE,
            case_reference=step.call.case_reference,
            kind=kind,
            language=catalog.lang,
        )
    except NoNumberToCall:  # the number went between the offer and the key
        catalog.say(response, "phone_appointment.no_number")
        return StepResult(_web_and_goodbye(ctx, catalog, response))
    except SlotTaken:
        catalog.say(response, "video.slot_taken")
        return _offer(ctx, catalog, response, step.attempt + 1, kind=kind)
    return _confirmed(ctx, catalog, response, booked, contact, kind)


def _confirmed(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    booked: BookedAppointment,
    contact: Contact,
    kind: AppointmentKind,
) -> StepResult:
    """The booking said back: a phone appointment's date twice (a landline caller has
    nothing else to go by) and who calls whom, a video appointment's way to its room (an SMS
    to a mobile, else the web address); the case number twice; for a phone appointment how
    to cancel by phone."""
    when = _when(ctx, booked.start, catalog)
    if kind == AppointmentKind.PHONE:
        catalog.say(response, "phone_appointment.booked", when=when)
        if contact.phone_is_mobile:
            catalog.say(response, "phone_appointment.sms_follows")
    else:
        catalog.say(response, "video.booked", when=when)
        if contact.phone_is_mobile:
            catalog.say(response, "video.sms_follows")
        else:
            address = spoken_address(ctx.public_base_url + BOOKING_PATH, catalog.lang)
            catalog.say(response, "video.on_the_web", address=address)
    reference = spoken_digits(booked.case_reference, catalog.lang)
    catalog.say(response, "video.reference", reference=reference)
    if kind == AppointmentKind.PHONE:
        catalog.say(response, "phone_appointment.how_to_cancel")
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
    kind: AppointmentKind = AppointmentKind.VIDEO,
    from_day: date | None = None,
) -> StepResult:
    free = ctx.appointments.next_free_slots(_how_many(ctx), from_day=from_day)
    slots = [slot.start for slot in free]
    prefix = "phone_appointment" if kind == AppointmentKind.PHONE else "video"
    if not slots or attempt > MAX_ATTEMPTS:
        catalog.say(response, f"{prefix}.no_slot")
        return StepResult(_web_and_goodbye(ctx, catalog, response))
    catalog.say(response, f"{prefix}.choose_time")
    return _gather(ctx, catalog, response, slots, attempt, kind)


def _gather(
    ctx: StepContext,
    catalog: PromptCatalog,
    response: VoiceResponse,
    slots: list[datetime],
    attempt: int,
    kind: AppointmentKind = AppointmentKind.VIDEO,
) -> StepResult:
    carried = {"kind": kind.value} if kind == AppointmentKind.PHONE else {}
    gather = offered_times.gather_choice(
        ctx,
        catalog,
        slots,
        path=BOOK_PATH,
        attempt=attempt,
        option_prompt="video.slot_option",
        **carried,
    )
    catalog.say(gather, "video.other_days")
    response.append(gather)
    return StepResult(response)


def _contact(ctx: StepContext, step: StepInput) -> Contact:
    """The caller's own number when shown and callable (for the SMS and reminders)."""
    number = callers_own_number(ctx, step)
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


def _kind(step: StepInput) -> AppointmentKind:
    """The kind carried in the step's URL (a video appointment unless it says phone)."""
    wanted = step.params.get("kind", "")
    return AppointmentKind.PHONE if wanted == AppointmentKind.PHONE else AppointmentKind.VIDEO


def _how_many(ctx: StepContext) -> int:
    return ctx.appointments.config.offered_by_phone


def _when(ctx: StepContext, at: datetime, catalog: PromptCatalog) -> str:
    return spoken_slot(at, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)


STEPS = (Step(BOOK_PATH, book),)
