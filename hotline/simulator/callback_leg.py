"""A callback's counsellor legs as Twilio plays them, for `hotline simulate --callback ID`.

The service places a booked callback by ringing a counsellor (scheduler work); the counsellor's
leg then dials the caller. Here the scheduler's due work runs with a CallbackGateway, which
keeps the calls placed to counsellors for the callback being simulated; each is then played
by a CallPlayer as the outbound call it is: its answer URL, Direction `outbound-api`, From the
hotline, and the status callbacks the service asked for (so the service sees its own work
reported). The counsellor's keys come from a script or the terminal; how the caller answers
is the outcome of the counsellor's `<Dial>`.

Anything else the due work asks of the gateway goes to a Switchboard, as in `hotline
simulate`: the counsellors it rings for other work do not answer, so that no call is left
placed and never reported.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline.config import DEV_ACCOUNT_SID
from hotline.simulator.callers import Caller
from hotline.simulator.session import OUTBOUND_API, CallIdentity, CallSession, new_sid
from hotline.simulator.switchboard import Switchboard
from hotline.simulator.transcript import CallEvent, EventKind, Transcript
from hotline.simulator.transports import Transport
from hotline.simulator.twiml_player import CallPlayer
from hotline.telephony.gateway import OutboundCall
from hotline.telephony.phone_numbers import mask
from hotline.texts import text

MAX_LEGS = 10  # a guard: each counsellor is rung at most once per attempt


@dataclass(frozen=True)
class PlacedCall:
    """A call the service placed to a counsellor, not played yet."""

    sid: str
    call: OutboundCall


class CallbackGateway:
    """Implements `hotline.telephony.gateway.OutboundGateway` for one callback.

    `wanted(call)` tells the callback's calls from those of other due work. The gateway
    methods may run on the dispatcher's worker threads; `take()` hands the calls over in the
    order they were placed.
    """

    def __init__(self, switchboard: Switchboard, wanted: Callable[[OutboundCall], bool]) -> None:
        self.switchboard = switchboard
        self._wanted = wanted
        self._lock = threading.Lock()
        self._pending: deque[PlacedCall] = deque()
        self.placed: list[PlacedCall] = []

    def place_call(self, call: OutboundCall) -> str:
        if not self._wanted(call):
            return self.switchboard.place_call(call)
        placed = PlacedCall(new_sid("CA"), call)
        with self._lock:
            self._pending.append(placed)
            self.placed.append(placed)
        return placed.sid

    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str:
        return self.switchboard.send_sms(to, body, status_callback_url)

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        self.switchboard.end_call(call_sid, status)

    def delete_queue(self, queue_sid: str) -> None:
        self.switchboard.delete_queue(queue_sid)

    def delete_call(self, call_sid: str) -> None:
        self.switchboard.delete_call(call_sid)

    def delete_message(self, message_sid: str) -> None:
        self.switchboard.delete_message(message_sid)

    def take(self) -> PlacedCall | None:
        with self._lock:
            return self._pending.popleft() if self._pending else None


@dataclass
class CallbackRun:
    """What a simulated placement did."""

    legs: list[Transcript] = field(default_factory=list)  # one per counsellor rung, in order
    desk: Transcript | None = None  # what else the due work did: other legs, SMS

    @property
    def application_errors(self) -> list[CallEvent]:
        return [error for leg in self.legs for error in leg.application_errors]


class CallbackLegs:
    """Runs the service's due work and plays each counsellor leg it places for the callback,
    until it places no more: a counsellor who passes makes the next one due at once, and the
    same `counsellor` (script or terminal) plays them all, in turn."""

    def __init__(
        self,
        transport: Transport,
        counsellor: Caller,
        gateway: CallbackGateway,
        *,
        dispatch: Callable[[], object],
        clock: Callable[[], datetime],
        advance_clock: Callable[[timedelta], None] | None = None,
        on_event: Callable[[CallEvent], None] | None = None,
        account_sid: str = DEV_ACCOUNT_SID,
        max_legs: int = MAX_LEGS,
    ) -> None:
        self._transport = transport
        self._counsellor = counsellor
        self._gateway = gateway
        self._dispatch = dispatch
        self._clock = clock
        self._advance_clock = advance_clock
        self._on_event = on_event
        self._account_sid = account_sid
        self._max_legs = max_legs

    def run(self) -> CallbackRun:
        desk = self._desk_session()
        run = CallbackRun(desk=desk.transcript)
        while len(run.legs) < self._max_legs:
            self._gateway.switchboard.run_counsellors(desk, self._dispatch)
            placed = self._gateway.take()
            if placed is None:
                return run
            run.legs.append(self._play(desk, len(run.legs) + 1, placed))
        desk.emit(EventKind.WARNING, text("simulator.events.too_many_legs", most=self._max_legs))
        return run

    def _play(self, desk: CallSession, number: int, placed: PlacedCall) -> Transcript:
        """The counsellor's phone rings and is answered; its TwiML is played to the end."""
        call = placed.call
        desk.emit(EventKind.COUNSELLOR, mask(call.to), what="rung", counsellor=str(number))
        player = CallPlayer(
            self._transport,
            self._counsellor,
            from_number=call.caller_id,
            to_number=call.to,
            call_sid=placed.sid,
            account_sid=self._account_sid,
            fallback_url=None,  # the gateway names none for the calls it places
            status_callback_url=call.status_callback_url,
            on_event=self._on_event,
            clock=self._clock,
            advance_clock=self._advance_clock,
            direction=OUTBOUND_API,
        )
        return player.run(call.twiml_url)

    def _desk_session(self) -> CallSession:
        """Where the switchboard reports what the due work did besides the callback's legs."""
        identity = CallIdentity(new_sid("CA"), self._account_sid, "", "", OUTBOUND_API)
        return CallSession(
            self._transport,
            self._counsellor,
            identity,
            clock=self._clock,
            on_event=self._on_event,
            max_documents=0,
        )
