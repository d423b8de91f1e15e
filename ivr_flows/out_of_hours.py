"""Out of hours: why the line is closed, when it opens next, how to write to us.

The menu offers only "1 = hear it again" for now; the callback and appointment options of
later issues join it as further keys.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.telephony.models import CallOutcome
from ivr_flows.contact import add_contact_details, end_politely
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.speech import spoken_opening
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult
from scheduling.hours.opening_hours import HoursStatus

REPEAT_KEY = "1"
MAX_ATTEMPTS = 3  # the first time plus at most two repetitions


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
    catalog = prompts(step.call.language)
    pressed = (step.digits or "").strip()
    if not pressed or step.attempt >= MAX_ATTEMPTS:
        return StepResult(end_politely(VoiceResponse(), catalog))
    if pressed == REPEAT_KEY:
        status = ctx.hours.status_at(ctx.now)
        if status.is_open:  # it opened while the caller listened: route instead
            response = VoiceResponse()
            response.redirect(ctx.url("route", via="closed", attempt=step.attempt))
            return StepResult(response)
        return announce_closed(ctx, step.call.language, status, attempt=step.attempt + 1)
    response = VoiceResponse()
    catalog.say(response, "menu.invalid")
    _offer_menu_or_end(ctx, catalog, response, step.attempt + 1)
    return StepResult(response)


def _say_why_and_when(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, status: HoursStatus
) -> None:
    reason = status.reason.value if status.reason else "outside_hours"
    catalog.say(response, f"closed.{reason}", name=status.reason_name or "")
    if status.next_opening is not None:
        when = spoken_opening(
            status.next_opening, ctx.now, catalog.lang, tz=ctx.hours_config.timezone
        )
        catalog.say(response, "closed.next_opening", when=when)


def _offer_menu_or_end(
    ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse, attempt: int
) -> None:
    """Offer the menu; after two repetitions end politely instead, never in silence."""
    if attempt >= MAX_ATTEMPTS:
        end_politely(response, catalog)
        return
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=ctx.url("closed", attempt=attempt),
        action_on_empty_result=True,
    )
    catalog.say(gather, "closed.repeat_offer")
    response.append(gather)


STEPS = (Step("closed", closed_menu),)
