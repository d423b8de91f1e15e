"""A simulated Twilio for the counsellors' side: the outbound gateway of `hotline simulate`.

The service rings counsellors through its outbound gateway (the scheduler places the calls).
In the simulator that gateway is a Switchboard: each call it places rings a simulated
counsellor who behaves as scripted (`accept`, `decline`, `ignore`, `mailbox`, `busy`, one per
call in order; `ignore` once the script is used up). The legs are played between the caller's
wait rounds, through the same signed transport as the caller's call: status callbacks, the
whisper, the key pressed. A counsellor who dials the waiting caller's queue is bridged to them.

The gateway methods only note what was asked (the dispatcher may call them from its worker
threads); `run_counsellors` plays and reports it, on the caller's thread, in order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hotline.config import DEV_ACCOUNT_SID
from hotline.simulator.counsellor_legs import (
    CounsellorLeg,
    LegPlayer,
    check_behaviour,
    emit_counsellor,
)
from hotline.simulator.dialing import EVENT_STATUS, LEG_EVENTS
from hotline.simulator.session import CallSession, new_sid
from hotline.simulator.transcript import EventKind
from hotline.simulator.transports import Transport
from hotline.telephony.gateway import OutboundCall
from hotline.telephony.phone_numbers import mask
from hotline.texts import text

MAX_LEGS_PER_RUN = 50  # a guard: the service rings each counsellor once per caller
NEVER_ANSWERED = {"busy": "busy", "ignore": "no-answer"}  # final status by behaviour

Notice = Callable[[CallSession], None]


@dataclass(frozen=True)
class SentMessage:
    sid: str
    to: str
    body: str
    status_callback_url: str | None


class Switchboard:
    """Implements `hotline.telephony.gateway.OutboundGateway` with simulated counsellors."""

    def __init__(
        self,
        transport: Transport,
        behaviours: Sequence[str],
        *,
        account_sid: str = DEV_ACCOUNT_SID,
        for_others: Callable[[OutboundCall], bool] | None = None,
        others_queue: Callable[[str], bool] | None = None,
    ) -> None:
        """`for_others`: a leg rung for another caller in the line (`scene`): its counsellor
        accepts, and the behaviours are kept for the caller's own legs; `others_queue`: the
        queue of such a caller."""
        self._transport = transport
        self._for_others = for_others or (lambda call: False)
        self._others_queue = others_queue or (lambda queue: False)
        self._behaviours = deque(check_behaviour(behaviour) for behaviour in behaviours)
        self._account_sid = account_sid
        self._lock = threading.Lock()
        self._pending: deque[CounsellorLeg] = deque()  # placed, not played yet
        self._notices: list[Notice] = []  # asked of the gateway, reported by the next run
        self._conversations: dict[str, CounsellorLeg] = {}  # queue name -> bridged leg
        self._bridged: set[str] = set()
        self.legs: list[CounsellorLeg] = []
        self.messages: list[SentMessage] = []
        self.ended_calls: dict[str, str] = {}  # call SID -> status asked for
        self.deleted_queues: list[str] = []
        self.deleted_records: list[str] = []  # Twilio's records of calls and SMS (SIDs)

    # --- the outbound gateway ----------------------------------------------------------------
    def place_call(self, call: OutboundCall) -> str:
        for_others = self._for_others(call)
        with self._lock:
            if for_others:
                behaviour = "accept"
            else:
                behaviour = self._behaviours.popleft() if self._behaviours else "ignore"
            leg = CounsellorLeg(
                len(self.legs) + 1, new_sid("CA"), call, behaviour, self._account_sid
            )
            self.legs.append(leg)
            self._pending.append(leg)
        return leg.sid

    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str:
        message = SentMessage(new_sid("SM"), to, body, status_callback_url)
        with self._lock:
            self.messages.append(message)
            self._notices.append(
                lambda session: emit_counsellor(session, None, "sms", body, to=mask(to))
            )
        return message.sid

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        """A leg still pending ends unplayed, with only its final status callback."""
        with self._lock:
            self.ended_calls[call_sid] = status
            leg = next((leg for leg in self._pending if leg.sid == call_sid), None)
            if leg is None:
                return  # over already (Twilio would refuse; the service accepts that)
            self._pending.remove(leg)
            self._notices.append(lambda session: self._end_unplayed(session, leg, status))

    def delete_queue(self, queue_sid: str) -> None:
        with self._lock:
            self.deleted_queues.append(queue_sid)
            self._notices.append(lambda session: emit_counsellor(session, None, "queue deleted"))

    def delete_call(self, call_sid: str) -> None:
        """A simulated call leaves no record at Twilio: noted, nothing else."""
        with self._lock:
            self.deleted_records.append(call_sid)

    def delete_message(self, message_sid: str) -> None:
        with self._lock:
            self.deleted_records.append(message_sid)

    # --- the simulation ----------------------------------------------------------------------
    def run_counsellors(self, session: CallSession, dispatch: Callable[[], object]) -> None:
        """Let the service do its due work, then play each leg it placed, in order.

        The service's work is done again after each leg: what a leg changed (a colleague
        accepted, so the others are ended; one let the call pass, so the next is rung now)
        takes effect before the next leg is played.
        """
        for _ in range(MAX_LEGS_PER_RUN):
            dispatch()
            self._report_notices(session)
            with self._lock:
                leg = self._pending.popleft() if self._pending else None
            if leg is None:
                return
            self._ring(session, leg)
        session.emit(
            EventKind.WARNING, text("simulator.events.too_many_legs", most=MAX_LEGS_PER_RUN)
        )

    def bridged(self, queue_name: str) -> bool:
        """Whether a counsellor was bridged to the caller waiting in `queue_name`."""
        return queue_name in self._bridged

    def end_conversation(self, session: CallSession, queue_name: str, talk_seconds: float) -> None:
        """The counsellor hangs up after talking: their leg's final status callback."""
        leg = self._conversations.pop(queue_name, None)
        if leg is None:
            return
        leg.seconds += talk_seconds
        emit_counsellor(session, leg, "talked", str(round(talk_seconds)))
        self._finish(session, leg, "completed")

    # --- inside ------------------------------------------------------------------------------
    def _report_notices(self, session: CallSession) -> None:
        with self._lock:
            notices, self._notices = self._notices, []
        for notice in notices:
            notice(session)

    def _ring(self, session: CallSession, leg: CounsellorLeg) -> None:
        emit_counsellor(session, leg, "rung", mask(leg.call.to))
        final = NEVER_ANSWERED.get(leg.behaviour, "completed")
        for event in LEG_EVENTS[final][:-1]:  # initiated, ringing, answered as they apply
            self._report(session, leg, EVENT_STATUS[event])
        if final != "completed":
            emit_counsellor(session, leg, final)
            self._finish(session, leg, final)
            return
        caller_waits = self._caller_waits(session)
        queue = LegPlayer(session, leg, via=self._transport, caller_waits=caller_waits).play()
        if queue is not None and self._others_queue(queue):
            emit_counsellor(session, leg, "takes another", queue)
            self._finish(session, leg, "completed")
            return
        if queue is not None and caller_waits(queue):
            leg.bridged_to = queue
            self._bridged.add(queue)
            self._conversations[queue] = leg  # its final status comes when the talk ends
            return
        if queue is not None:
            emit_counsellor(session, leg, "no caller", queue)
        self._finish(session, leg, "completed")

    def _caller_waits(self, session: CallSession) -> Callable[[str], bool]:
        def waits(queue: str) -> bool:
            return session.waiting_in == queue and queue not in self._conversations

        return waits

    def _end_unplayed(self, session: CallSession, leg: CounsellorLeg, status: str) -> None:
        emit_counsellor(session, leg, "rung", mask(leg.call.to))
        emit_counsellor(session, leg, "ended", status)
        self._finish(session, leg, status)

    def _finish(self, session: CallSession, leg: CounsellorLeg, status: str) -> None:
        leg.status = status
        self._report(session, leg, status, final=True)

    def _report(
        self, session: CallSession, leg: CounsellorLeg, status: str, *, final: bool = False
    ) -> None:
        """One status callback of the leg, as the gateway asked for them (all four events)."""
        params = leg.params(status) | {
            "Timestamp": session.timestamp(),
            "SequenceNumber": str(leg.sequence),
            "CallbackSource": "call-progress-events",
        }
        if final:
            params["CallDuration"] = str(round(leg.seconds))
        session.send("POST", leg.call.status_callback_url, params, via=self._transport)
        leg.sequence += 1
