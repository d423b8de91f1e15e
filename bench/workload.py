"""The two endpoints under test and the requests prepared for them before the clock starts."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.loadgen import Request
from hotline.telephony.urls import INCOMING_STEP, VOICE_PREFIX

INCOMING_PATH = f"{VOICE_PREFIX}/{INCOMING_STEP}"
BARE_PATH = "/bench/bare"  # bench_app.BARE_PATH (not imported: importing it builds the app)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    marker: bytes  # in every good answer: the greeting's <Gather>, not the apology's <Hangup>
    signed: bool


BARE = Endpoint(f"bare {BARE_PATH}", BARE_PATH, b"<Say", signed=False)
INCOMING = Endpoint(INCOMING_PATH, INCOMING_PATH, b"<Gather", signed=True)


def caller_number() -> str:
    """A mobile number of its own for each call: one number calling thousands of times an
    hour would be refused by the line's protection (`[abuse] calls_per_hour`)."""
    return f"+49151{secrets.randbelow(10**8):08d}"


def call_params() -> dict[str, str]:
    """What Twilio posts when a call comes in; a new CallSid (and caller) each time."""
    return {
        "CallSid": "CA" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": caller_number(),
        "To": "+498003009944",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


def prepare(endpoint: Endpoint, base_url: str, token: str, count: int) -> list[Request]:
    """`count` requests for one client.

    Signed ones are all distinct calls: a repeated CallSid would only replay the stored answer.
    The bare endpoint reads neither body nor signature, so it gets one unsigned body, repeated.
    """
    if not endpoint.signed:
        return [(urlencode(call_params()).encode(), FORM)] * count
    validator = RequestValidator(token)
    url = base_url + endpoint.path
    requests = []
    for _ in range(count):
        params = call_params()
        signature = validator.compute_signature(url, params)
        requests.append((urlencode(params).encode(), {**FORM, "X-Twilio-Signature": signature}))
    return requests
