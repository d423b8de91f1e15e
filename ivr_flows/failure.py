"""The one place that turns a failure into TwiML a caller can act on.

Used by the webhooks for any exception inside a step and by the fallback URL, so it must not
need the database: it gets the hours configuration and the e-mail address, nothing else.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from hotline.hours.config import HoursConfig
from ivr_flows.contact import add_contact_details
from ivr_flows.prompts import LANGUAGES, prompts


def safe_twiml(
    hours: HoursConfig, email: str, languages: tuple[str, ...] = LANGUAGES
) -> VoiceResponse:
    """Apology, opening hours, e-mail address and 110, in each language given; then hang up.

    A call whose language is known hears only that one; the fallback URL, which knows nothing
    about the call, speaks German and then English.
    """
    response = VoiceResponse()
    for lang in languages:
        catalog = prompts(lang)
        catalog.say(response, "failure.apology")
        add_contact_details(response, catalog, hours, email)
        catalog.say(response, "contact.acute")
    response.hangup()
    return response
