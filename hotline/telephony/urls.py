"""The URLs Twilio calls, in one place: the flows name them in TwiML, the webhooks serve them."""

from __future__ import annotations

from urllib.parse import urlencode

TWILIO_PREFIX = "/twilio/"  # every URL below it needs a valid X-Twilio-Signature
VOICE_PREFIX = "/twilio/voice"
INCOMING_STEP = "incoming"  # Voice "a call comes in"
STATUS_PATH = "status"  # status callbacks of every call and leg
FALLBACK_PATH = "fallback"  # Voice fallback URL
MESSAGES_PREFIX = "/twilio/messages"
MESSAGE_STATUS_PATH = "status"  # status callbacks of the SMS the scheduler sends


def voice_url(public_base_url: str, path: str, **query: object) -> str:
    """Absolute URL of a voice webhook below /twilio/voice/, with an optional query."""
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{public_base_url}{VOICE_PREFIX}/{path}{suffix}"
