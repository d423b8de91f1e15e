"""Calls walked over signed HTTP up to the line, for the line's protection (`hotline.abuse`):
what the caller heard at each step, and the rows a test checks afterwards."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hotline.telephony.models import Call
from tests.support.twilio import CALLER, TwilioRequests, voice_params

WITHHELD = "anonymous"
_DIGITS = re.compile(r"Bitte geben Sie die Ziffern ([0-9 ]+) ein")


@dataclass
class WalkedCall:
    """What one call heard, step by step (TwiML as text)."""

    sid: str
    heard: list[str] = field(default_factory=list)

    @property
    def last(self) -> str:
        return self.heard[-1]

    @property
    def queued(self) -> bool:
        return "<Enqueue" in self.last

    @property
    def challenge_digits(self) -> str:
        match = _DIGITS.search(self.last)
        assert match, f"no challenge in {self.last}"
        return match.group(1).replace(" ", "")


class Caller:
    """Calls the hotline through the voice webhooks, as Twilio would deliver them."""

    def __init__(self, twilio: TwilioRequests) -> None:
        self.twilio = twilio

    def rings(self, number: str = CALLER, sid: str | None = None) -> WalkedCall:
        """The first request of a new call: greeting, refusal or challenge."""
        call = WalkedCall(sid or f"CA{uuid.uuid4().hex}")
        call.heard.append(self._text(self.twilio.incoming(call.sid, number)))
        return call

    def step(self, call: WalkedCall, path: str, **extra: str) -> str:
        params = voice_params(call.sid, CallStatus="in-progress", **extra)
        heard = self._text(self.twilio.post(f"/twilio/voice/{path}", params))
        call.heard.append(heard)
        return heard

    def types_challenge(self, call: WalkedCall, digits: str, attempt: int = 1) -> str:
        return self.step(call, f"protection/challenge?attempt={attempt}", Digits=digits)

    def to_the_line(self, call: WalkedCall) -> WalkedCall:
        """After the greeting: German, no case number (routed in the same answer)."""
        self.step(call, "intake/language", Digits="")
        self.step(call, "intake/case-number?attempt=1", Digits="")
        return call

    def calls_through(self, number: str = CALLER) -> WalkedCall:
        """A whole call up to the line (or its refusal)."""
        call = self.rings(number)
        if "intake/language" in call.last:
            self.to_the_line(call)
        return call

    def hangs_up(self, call: WalkedCall) -> None:
        self.twilio.status(call.sid, "completed", CallDuration="30", Direction="inbound")

    @staticmethod
    def _text(response: Any) -> str:
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)


def call_row(svc: Any, sid: str) -> Call:
    with svc.database.transaction() as session:
        call = session.scalars(select(Call).where(Call.call_sid == sid)).one()
        session.expunge(call)
        return call


def refused_politely(twiml: str) -> bool:
    """A refusal: the e-mail address and 110 in both languages, then the call ends; no
    queue, no menu."""
    return (
        twiml.count("info@starkestelle.de") >= 2
        and "Notruf 1 1 0" in twiml
        and "emergency number 1 1 0" in twiml
        and twiml.rstrip().endswith("<Hangup /></Response>")
        and "<Enqueue" not in twiml
        and "<Gather" not in twiml
        and "<Dial" not in twiml
    )
