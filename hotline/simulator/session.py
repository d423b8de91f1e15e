"""One simulated call's state, shared by the verbs: who calls, what was sent, what was heard."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from hotline.simulator.callers import Caller
from hotline.simulator.documents import parse_reply
from hotline.simulator.prompts import DialPrompt, GatherPrompt
from hotline.simulator.transcript import (
    CallEvent,
    EndedBy,
    EventKind,
    RequestRecord,
    Transcript,
)
from hotline.simulator.transports import Transport, TransportError, TwimlReply

if TYPE_CHECKING:
    from hotline.simulator.switchboard import Switchboard

API_VERSION = "2010-04-01"
INBOUND = "inbound"  # a call to the hotline
OUTBOUND_API = "outbound-api"  # a call the service placed through the REST API (a counsellor)


@dataclass(frozen=True)
class Fetch:
    """Request TwiML and play it next (the first document, a Redirect, an action, the fallback)."""

    method: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finish:
    ended_by: EndedBy
    call_status: str = "completed"


Step = Fetch | Finish


class LoopGuardError(Exception):
    """More TwiML documents than `max_requests`: the flow is probably redirecting in a circle."""


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@dataclass(frozen=True)
class CallIdentity:
    call_sid: str
    account_sid: str
    from_number: str
    to_number: str
    direction: str = INBOUND


class CallSession:
    """Sends Twilio's requests for one call and records everything in its Transcript.

    With a switchboard the counsellors' side is simulated too: `dispatch` runs the service's
    due work (which rings counsellors through the switchboard), and `advance_clock` moves the
    service's clock with the simulated call time, so that work due later becomes due.
    """

    def __init__(
        self,
        transport: Transport,
        caller: Caller,
        identity: CallIdentity,
        *,
        clock: Callable[[], datetime],
        on_event: Callable[[CallEvent], None] | None,
        max_documents: int,
        advance_clock: Callable[[timedelta], None] | None = None,
        switchboard: Switchboard | None = None,
        dispatch: Callable[[], object] | None = None,
    ) -> None:
        self.transport = transport
        self.caller = caller
        self.identity = identity
        self.clock = clock
        self.switchboard = switchboard
        self.dispatch: Callable[[], object] = dispatch or _nothing_due
        self.transcript = Transcript(call_sid=identity.call_sid)
        self.answered = False  # CallStatus "ringing" until a first document is played
        self.seconds = 0.0  # simulated call time, for CallDuration
        self.status_callbacks_sent = 0  # of this call (not its dialled legs): SequenceNumber
        self.waiting_in: str | None = None  # the queue the caller waits in, during <Enqueue>
        self._advance_clock = advance_clock
        self._on_event = on_event
        self._max_documents = max_documents
        self._documents = 0

    def spend(self, seconds: float) -> None:
        """Simulated time passes (speech, a pause, a timeout, a conversation)."""
        self.seconds += seconds
        if self._advance_clock is not None and seconds:
            self._advance_clock(timedelta(seconds=seconds))

    def emit(
        self,
        kind: EventKind,
        text: str = "",
        *,
        url: str | None = None,
        gather: GatherPrompt | None = None,
        dial: DialPrompt | None = None,
        **attributes: str,
    ) -> CallEvent:
        event = CallEvent(kind, text, attributes, url, gather, dial)
        self.transcript.events.append(event)
        if self._on_event is not None:
            self._on_event(event)
        return event

    def call_params(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The parameters Twilio sends with every request about the played (parent) call."""
        identity = self.identity
        params = {
            "CallSid": identity.call_sid,
            "AccountSid": identity.account_sid,
            "From": identity.from_number,
            "To": identity.to_number,
            "Caller": identity.from_number,
            "Called": identity.to_number,
            "CallStatus": "in-progress" if self.answered else "ringing",
            "Direction": identity.direction,
            "ApiVersion": API_VERSION,
        }
        params.update(extra or {})
        return params

    def send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        *,
        via: Transport | None = None,
    ) -> TwimlReply | None:
        """One signed request, recorded; None when the service could not be reached.

        `via`: another transport (the switchboard's, for a counsellor's leg)."""
        method = method.upper()
        try:
            reply = (via or self.transport).request(method, url, params)
        except TransportError as exc:
            self.transcript.requests.append(RequestRecord(method, url, dict(params), 0))
            self.emit(EventKind.REQUEST, str(exc), url=url, method=method, status="0")
            return None
        self.transcript.requests.append(RequestRecord(method, url, dict(params), reply.status))
        self.emit(EventKind.REQUEST, url=url, method=method, status=str(reply.status))
        return reply

    def fetch_document(self, fetch: Fetch) -> Element:
        """Request and check a TwiML document; counts towards the loop guard."""
        if self._documents >= self._max_documents:
            raise LoopGuardError(f"more than {self._max_documents} TwiML requests")
        self._documents += 1
        reply = self.send(fetch.method, fetch.url, self.call_params(fetch.params))
        if reply is None:
            reply = TwimlReply(status=0, body="", content_type="")
        return parse_reply(reply)

    def timestamp(self) -> str:
        """RFC 2822, as in Twilio's status callbacks."""
        return format_datetime(self.clock())

    def int_attribute(self, element: Element, name: str, default: int) -> int:
        """A numeric attribute; an invalid one is reported and replaced by Twilio's default."""
        raw = element.get(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            self.emit(
                EventKind.WARNING,
                f"<{element.tag} {name}={raw!r}> is not a number; using {default}",
            )
            return default


def _nothing_due() -> None:
    """The dispatch of a session without the service's scheduler: nothing to do."""
