"""The way out every dead end offers: opening hours, the e-mail address, the emergency number."""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.hours.config import HoursConfig
from ivr_flows.prompts import PromptCatalog
from ivr_flows.speech import spoken_weekly_hours
from ivr_flows.steps import StepContext

CALLBACK_START = "callback/start"
# Where a callback is booked from (the `via` of its steps): the closed menu, out of hours, or
# a dead end while the line is open (nobody on duty, nobody took the call in time); the
# statistics count the first as out of hours. From the queue: `callbacks.capture.FROM_QUEUE`.
FROM_CLOSED, FROM_NOBODY_FREE = "closed", "open"


def add_contact_details(
    response: VoiceResponse, catalog: PromptCatalog, hours: HoursConfig, email: str
) -> None:
    catalog.say(response, "contact.hours", hours=spoken_weekly_hours(hours, catalog.lang))
    catalog.say(response, "contact.email", email=email)


def end_politely(response: VoiceResponse, catalog: PromptCatalog) -> VoiceResponse:
    catalog.say(response, "menu.goodbye")
    response.hangup()
    return response


def offer_a_callback(ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse) -> None:
    """Where nobody could take the call: "press 1 for a callback" (the caller chooses a time);
    without a key the call goes on with what follows."""
    gather = Gather(
        input="dtmf", num_digits=1, timeout=5, action=ctx.url(CALLBACK_START, via=FROM_NOBODY_FREE)
    )
    catalog.say(gather, "callback.offer")
    response.append(gather)
