"""Phone appointments in the closed menu: a landline caller who chose video is offered the
phone appointment instead (a link cannot reach a landline), and a caller cancels their phone
appointment by phone (key 5) with their case number — only one that calls the number they
are calling from, so a case number alone cancels nobody's appointment."""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.appointments.models import AppointmentKind
from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.inputs import bounded_integer_or_none
from ivr_flows.appointments import video_booking
from ivr_flows.callers_number import callers_own_number
from ivr_flows.contact import end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spoken_slot
from ivr_flows.steps import Step, StepContext, StepInput, StepResult

LANDLINE_CHOICE_PATH = "appointment/landline"
CANCEL_NUMBER_PATH = "phone-appointment/case-number"
CANCEL_CONFIRM_PATH = "phone-appointment/cancel"
PHONE_KEY, VIDEO_KEY, CONFIRM_KEY = "1", "2", "1"
CASE_NUMBER_TRIES = 2


def video_or_phone(ctx: StepContext, step: StepInput) -> StepResult:
    """Key 2 of the closed menu: the video times; from a landline, first the offer of a
    phone appointment (the link to the video room could only reach it by the web)."""
    number = callers_own_number(ctx, step)
    if number is None or number.is_mobile:
        return video_booking.offer(ctx, step)
    catalog, response = prompts(step.call.language), VoiceResponse()
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=8,
        action=ctx.url(LANDLINE_CHOICE_PATH),
        action_on_empty_result=True,
    )
    catalog.say(gather, "phone_appointment.landline_offer")
    response.append(gather)
    return StepResult(response)


def landline_choice(ctx: StepContext, step: StepInput) -> StepResult:
    """1 a phone appointment; anything else the video appointment they chose."""
    if (step.digits or "").strip() == PHONE_KEY:
        return video_booking.offer(ctx, step, kind=AppointmentKind.PHONE)
    return video_booking.offer(ctx, step)


def ask_for_cancelling(ctx: StepContext, step: StepInput) -> StepResult:
    """Key 5 of the closed menu: the case number the call was linked to, else asked for."""
    reference = step.call.case_reference
    if reference is not None:
        found = _read_back(ctx, step, reference)
        if found is not None:
            return found
    catalog, response = prompts(step.call.language), VoiceResponse()
    _ask_case_number(ctx, catalog, response, attempt=1)
    return StepResult(response)


def case_number(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(step.call.language), VoiceResponse()
    try:
        reference = normalise_case_reference((step.digits or "").strip())
    except InvalidCaseReference:
        reference = None
    found = _read_back(ctx, step, reference) if reference else None
    if found is not None:
        return found
    catalog.say(response, "phone_appointment.not_found")
    if step.attempt < CASE_NUMBER_TRIES:
        _ask_case_number(ctx, catalog, response, attempt=step.attempt + 1)
        return StepResult(response)
    return StepResult(_ways_out(ctx, catalog, response))


def confirm(ctx: StepContext, step: StepInput) -> StepResult:
    catalog, response = prompts(step.call.language), VoiceResponse()
    appointment_id = bounded_integer_or_none(step.params.get("appointment", ""))
    reference = step.params.get("reference", "")
    if (step.digits or "").strip() != CONFIRM_KEY or appointment_id is None:
        catalog.say(response, "phone_appointment.kept")
        return StepResult(end_politely(response, catalog))
    number = callers_own_number(ctx, step)
    appointment = ctx.appointments.phone_appointment_of(reference, number.e164) if number else None
    # the same caller's, still booked (a decision: it may have been cancelled meanwhile)
    if appointment is None or appointment.id != appointment_id:
        catalog.say(response, "phone_appointment.not_found")
        return StepResult(_ways_out(ctx, catalog, response))
    ctx.appointments.cancel(appointment, by_staff=True)  # by phone: no online notice applies
    catalog.say(response, "phone_appointment.canceled")
    catalog.say(response, "contact.acute")
    return StepResult(end_politely(response, catalog))


def _read_back(ctx: StepContext, step: StepInput, reference: str) -> StepResult | None:
    """The caller's next phone appointment of `reference`, read back with the question."""
    number = callers_own_number(ctx, step)
    appointment = ctx.appointments.phone_appointment_of(reference, number.e164) if number else None
    if appointment is None:
        return None
    catalog, response = prompts(step.call.language), VoiceResponse()
    when = spoken_slot(appointment.start, ctx.now, catalog.lang, tz=ctx.hours_config.timezone)
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=8,
        action=ctx.url(CANCEL_CONFIRM_PATH, appointment=appointment.id, reference=reference),
        action_on_empty_result=True,
    )
    catalog.say(gather, "phone_appointment.found", when=when)
    response.append(gather)
    return StepResult(response)


def _ask_case_number(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, *, attempt: int
) -> None:
    gather = Gather(
        input="dtmf",
        num_digits=8,
        finish_on_key="#",
        timeout=8,
        action=ctx.url(CANCEL_NUMBER_PATH, attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, "phone_appointment.ask_case_number")
    response.append(gather)


def _ways_out(ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse) -> VoiceResponse:
    catalog.say(response, "contact.email", email=ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


STEPS = (
    Step(LANDLINE_CHOICE_PATH, landline_choice),
    Step(CANCEL_NUMBER_PATH, case_number),
    Step(CANCEL_CONFIRM_PATH, confirm),
)
