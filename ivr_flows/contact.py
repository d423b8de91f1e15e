"""The way out every dead end offers: opening hours, the e-mail address, the emergency number."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ivr_flows.prompts import PromptCatalog
from ivr_flows.speech import spoken_weekly_hours
from scheduling.hours.config import HoursConfig


def add_contact_details(
    response: VoiceResponse, catalog: PromptCatalog, hours: HoursConfig, email: str
) -> None:
    catalog.say(response, "contact.hours", hours=spoken_weekly_hours(hours, catalog.lang))
    catalog.say(response, "contact.email", email=email)


def end_politely(response: VoiceResponse, catalog: PromptCatalog) -> VoiceResponse:
    catalog.say(response, "menu.goodbye")
    response.hangup()
    return response


def offer_a_callback(
    response: VoiceResponse, catalog: PromptCatalog, hours: HoursConfig, email: str
) -> None:
    """The callback offer where nobody could take the call. Until callbacks can be booked by
    phone it says how to ask for one by e-mail (the address follows in the contact details)."""
    catalog.say(response, "queue.callback_by_email")
