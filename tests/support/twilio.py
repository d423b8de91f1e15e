"""Requests signed exactly as Twilio signs them, and the values the test app is built with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_BASE_URL = "https://hotline.example.org"  # what Twilio calls; Flask sees http://localhost
DATA_KEY = "hVh7D0eYx2ZlqyN8yJ0oQeQ8Q2b1X9v3k6m5n4p7r8s="
HASH_KEY = "q3Xb9vN2kL7mP4rT8wY1zC6dF0gH5jK2nQ9sU3vW6xA="  # HOTLINE_HASH_KEY: blocks, limits
ACCOUNT_SID = "AC" + "1" * 32
CALLER = "+4915123456789"


def app_environment(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment variables a test app is built from (fake Twilio named by the caller)."""
    return {
        "HOTLINE_CONFIG": "",
        "HOTLINE_ENV": "testing",
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "HOTLINE_DATA_KEY": DATA_KEY,
        "HOTLINE_HASH_KEY": HASH_KEY,
        "SECRET_KEY": "test-secret",
        **overrides,
    }


def sign(url: str, params: Mapping[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def voice_params(call_sid: str, caller: str = CALLER, **extra: str) -> dict[str, str]:
    """What Twilio posts for a step of an inbound call."""
    return {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": caller,
        "To": "+498003009944",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        **extra,
    }


@dataclass
class TwilioRequests:
    """Posts to the app exactly as Twilio does: form body, signature over the public URL."""

    client: FlaskClient

    def post(self, path: str, params: Mapping[str, str], *, signature: str | None = None) -> Any:
        signature = sign(PUBLIC_BASE_URL + path, params) if signature is None else signature
        headers = {"X-Twilio-Signature": signature} if signature else {}
        # buffered, as a real server sends it: the answer is complete before close callbacks run
        return self.client.post(path, data=dict(params), headers=headers, buffered=True)

    def incoming(self, call_sid: str, caller: str = CALLER, **extra: str) -> Any:
        return self.post("/twilio/voice/incoming", voice_params(call_sid, caller, **extra))

    def status(self, call_sid: str, status: str, **extra: str) -> Any:
        params = {"CallSid": call_sid, "CallStatus": status, "AccountSid": ACCOUNT_SID, **extra}
        return self.post("/twilio/voice/status", params)
