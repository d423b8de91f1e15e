"""Out of hours: why the line is closed, when it opens next, and what the caller can do:
a callback (1), a video appointment booked right here (2; a landline is offered a phone
appointment instead), the e-mail address spelled out (3), a phone appointment (4),
cancelling one's phone appointment (5), all again (0)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.appointments.models import AppointmentKind
from hotline.telephony.models import CallOutcome
from ivr_flows.appointments import phone_menu, video_booking
from ivr_flows.contact import CALLBACK_START, add_contact_details, end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spelled_out, spoken_opening
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult
from scheduling.hours.opening_hours import ClosedReason, HoursStatus

CALLBACK_KEY, VIDEO_KEY, EMAIL_KEY, REPEAT_KEY = "1", "2", "3", "0"
PHONE_APPOINTMENT_KEY, CANCEL_PHONE_APPOINTMENT_KEY = "4", "5"
MAX_ATTEMPTS = 3  # the menu is offered once and repeated at most twice


def announce_closed(
    ctx: StepContext, language: str, status: HoursStatus, *, attempt: int
) -> StepResult:
    catalog = prompts(language)
    response = VoiceResponse()
    _say_why_and_when(ctx, catalog, response, status)
    add_contact_details(response, catalog, ctx.hours_config, ctx.contact_email)
    catalog.say(response, "contact.acute")
    _offer_menu_or_end(ctx, catalog, response, attempt)
    return StepResult(response, Effects(outcome=CallOutcome.CLOSED_INFORMED))


def closed_menu(ctx: StepContext, step: StepInput) -> StepResult:
    """1 a callback, 2 a video appointment, 3 the e-mail address spelled out, 4 a phone
    appointment, 5 cancel one's phone appointment, 0 all again.

    `attempt` counts how often the menu has been offered; it is offered at most three times
    whatever the caller presses, then the call ends politely with the ways out."""
    language = step.call.language
    catalog = prompts(language)
    pressed = (step.digits or "").strip()
    response = VoiceResponse()
    if pressed == CALLBACK_KEY:
        response.redirect(ctx.url(CALLBACK_START, via="closed"))
        return StepResult(response)
    if pressed == VIDEO_KEY:
        return phone_menu.video_or_phone(ctx, step)
    if pressed == PHONE_APPOINTMENT_KEY:
        return video_booking.offer(ctx, step, kind=AppointmentKind.PHONE)
    if pressed == CANCEL_PHONE_APPOINTMENT_KEY:
        return phone_menu.ask_for_cancelling(ctx, step)
    if pressed == EMAIL_KEY:
        spelled = spelled_out(ctx.contact_email, catalog.lang)
        catalog.say(response, "closed.email_spelled", spelled=spelled)
        _offer_menu_or_end(ctx, catalog, response, step.attempt + 1)
        return StepResult(response)
    status = ctx.hours.status_at(ctx.now) if pressed == REPEAT_KEY else None
    if status is not None and status.is_open:  # it opened while the caller listened
        response.redirect(ctx.url("route", via="closed", attempt=step.attempt))
        return StepResult(response)
    if step.attempt >= MAX_ATTEMPTS:
        return StepResult(_ways_out_and_goodbye(ctx, catalog, response))
    if status is not None:
        return announce_closed(ctx, language, status, attempt=step.attempt + 1)
    if pressed:  # a wrong key is named as such; silence just hears the menu again
        catalog.say(response, "menu.invalid")
    _offer_menu_or_end(ctx, catalog, response, step.attempt + 1)
    return StepResult(response)


def _ways_out_and_goodbye(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse
) -> VoiceResponse:
    catalog.say(response, "contact.email", email=ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


def why_closed_and_when(status: HoursStatus, now: datetime, lang: str, *, tz: tzinfo) -> list[str]:
    """The sentences a caller hears first while the line is closed: why, and when it opens
    next. The staff console and `hotline hours` show staff these very sentences."""
    catalog = prompts(lang)
    sentences = [_why_closed(catalog, status)]
    if status.next_opening is not None:
        when = spoken_opening(  # "Sie erreichen uns wieder ab …"
            status.next_opening, now, lang, tz=tz, case="dative"
        )
        sentences.append(catalog.text("closed.next_opening", when=when))
    return sentences


def _why_closed(catalog: PromptCatalog, status: HoursStatus) -> str:
    """A closing override is announced by its announcement; without one callers hear only
    that the line is not staffed (its note is for colleagues and never spoken)."""
    if status.reason is ClosedReason.OVERRIDE and not status.reason_name:
        return catalog.text("override.unannounced")
    reason = status.reason.value if status.reason else "outside_hours"
    return catalog.text(f"closed.{reason}", name=status.reason_name or "")


def _say_why_and_when(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, status: HoursStatus
) -> None:
    tz = ctx.hours_config.timezone
    for sentence in why_closed_and_when(status, ctx.now, catalog.lang, tz=tz):
        catalog.say_text(response, sentence)


def _offer_menu_or_end(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, attempt: int
) -> None:
    """Offer the menu for the `attempt`-th time; past the last one end politely instead."""
    if attempt > MAX_ATTEMPTS:
        _ways_out_and_goodbye(ctx, catalog, response)
        return
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=ctx.url("closed", attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, "closed.menu")
    response.append(gather)


STEPS = (Step("closed", closed_menu),)
