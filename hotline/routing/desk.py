"""The routing desk: what the caller's and the counsellors' steps change, in their transaction.

Every caller waits in one line, first come first served, while anyone is on duty; the
distributor (`hotline.routing.distributor`) decides who is rung for whom after every
change made here. Each caller waits in a Twilio queue of their own (`queue_name`), so a
counsellor who accepts is bridged to exactly the caller whose case they heard. Counsellors are
rung by `place_call` work items (the scheduler places them); one offer row per ring records
what became of the leg. Accepting is one conditional UPDATE on the caller's call row: of two
counsellors who press 1 at the same moment, the database lets exactly one through.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import Table, and_, func, select, update

from hotline.cases.models import Case
from hotline.counsellors.models import Counsellor, OffDutyReason
from hotline.counsellors.wording import off_duty_params
from hotline.outbox import queue, side_effects
from hotline.outbox.models import WorkItem
from hotline.routing.line import EntryKind, position_of, the_line
from hotline.routing.lock import hold_routing_lock
from hotline.routing.models import OPEN_STATES, CallOffer, OfferState
from hotline.routing.waits import estimated_wait
from hotline.sentences import local_time
from hotline.telephony.models import Call, CallOutcome
from hotline.telephony.statuses import TERMINAL_STATUSES

if TYPE_CHECKING:  # the unit makes the desks; they only read it
    from hotline.routing.unit import RoutingUnit

log = logging.getLogger(__name__)
QUEUE_SID = re.compile(r"QU[0-9a-fA-F]{32}")
_CALLS: Table = Call.__table__  # type: ignore[assignment]
_OFFERS: Table = CallOffer.__table__  # type: ignore[assignment]
_COUNSELLORS: Table = Counsellor.__table__  # type: ignore[assignment]
_WORK: Table = WorkItem.__table__  # type: ignore[assignment]


def queue_name(call_sid: str) -> str:
    """The caller's own Twilio queue (names must stay under 64 characters)."""
    return f"caller-{call_sid}"


@dataclass(frozen=True)
class OfferView:
    """What a counsellor's leg needs to know about the call it is offered."""

    offer_id: int
    caller_call_sid: str
    counsellor_id: int
    state: str
    case_reference: str | None
    language: str
    caller_waiting: bool  # still in the queue, nobody connected yet
    caller_connected: bool  # a counsellor took the call


class RoutingDesk:
    def __init__(self, unit: RoutingUnit) -> None:
        self.unit = unit
        self.session = unit.session
        self.now = unit.now
        self.cipher = unit.cipher
        self.config = unit.config.routing
        self.timezone: tzinfo = unit.config.hours.timezone  # for what counsellors read

    # --- the caller ---------------------------------------------------------------------
    def queue_caller(self, call_sid: str) -> bool:
        """Put the caller in line (once: Twilio's retry changes nothing) and let the
        distributor ring whom it needs; False, and nobody queued, when nobody is on duty."""
        hold_routing_lock(self.session)
        on_duty = self.session.scalar(
            select(func.count()).select_from(_COUNSELLORS).where(_COUNSELLORS.c.on_duty.is_(True))
        )
        if not on_duty:
            return False
        self.session.execute(
            update(_CALLS)
            .where(_CALLS.c.call_sid == call_sid, _CALLS.c.queued_at.is_(None))
            .values(queued_at=self.now)
        )
        self.distribute()
        return True

    def distribute(self) -> None:
        """Let the distributor decide afresh (after anything that may change who is rung)."""
        self.unit.distributor.distribute()

    def note_queue(self, call_sid: str, queue_sid: str) -> None:
        """The caller's queue as Twilio named it (its SID), to delete the queue afterwards."""
        if not QUEUE_SID.fullmatch(queue_sid):
            return
        self.session.execute(
            update(_CALLS)
            .where(_CALLS.c.call_sid == call_sid, _CALLS.c.queue_sid.is_(None))
            .values(queue_sid=queue_sid)
        )

    def position(self, call_sid: str) -> int:
        """1 + those ahead of the caller in the line (callers and callbacks holding a place)."""
        return position_of(the_line(self.session, with_offers=False), EntryKind.CALLER, call_sid)

    def estimated_wait(self, position: int) -> float | None:
        """Seconds the caller at `position` may still wait, from recent handle times; None
        while the history is too short to say."""
        return estimated_wait(self.session, self.now, position, self.config)

    def waited_seconds(self, call_sid: str) -> float:
        queued_at = self.session.scalar(
            select(_CALLS.c.queued_at).where(_CALLS.c.call_sid == call_sid)
        )
        return (self.now - queued_at).total_seconds() if queued_at else 0.0

    def caller_leaves(self, call_sid: str, outcome: CallOutcome) -> None:
        """The caller is out of the queue unconnected: note why and end the legs still ringing
        (those counsellors are free for the next in line)."""
        hold_routing_lock(self.session)
        self.session.execute(
            update(_CALLS)
            .where(_CALLS.c.call_sid == call_sid, _CALLS.c.connected_at.is_(None))
            .values(
                queue_left_at=func.coalesce(_CALLS.c.queue_left_at, self.now),
                outcome=func.coalesce(_CALLS.c.outcome, outcome),  # a callback wish stays
            )
        )
        self._end_open_offers(call_sid, keep=None)
        self.distribute()

    def request_callback(self, call_sid: str) -> None:
        """Pressed 1 while waiting: a callback instead; the caller leaves the queue next."""
        self.session.execute(
            update(_CALLS)
            .where(_CALLS.c.call_sid == call_sid, _CALLS.c.connected_at.is_(None))
            .values(outcome=CallOutcome.CALLBACK_REQUESTED)
        )
        self.caller_leaves(call_sid, CallOutcome.CALLBACK_REQUESTED)

    def wants_callback(self, call_sid: str) -> bool:
        outcome = self.session.scalar(select(_CALLS.c.outcome).where(_CALLS.c.call_sid == call_sid))
        return outcome == CallOutcome.CALLBACK_REQUESTED

    def call_ended(self, call_sid: str) -> None:
        """The caller's call is over (its final status): legs ended, its queue deleted, and
        the counsellor who talked with them starts the wrap-up."""
        hold_routing_lock(self.session)
        row = self.session.execute(
            select(
                _CALLS.c.queued_at,
                _CALLS.c.connected_at,
                _CALLS.c.queue_sid,
                _CALLS.c.counsellor_id,
            ).where(_CALLS.c.call_sid == call_sid)
        ).one_or_none()
        if row is None or row.queued_at is None:
            return
        if row.connected_at is None:
            self.caller_leaves(call_sid, CallOutcome.ABANDONED_IN_QUEUE)
        elif row.counsellor_id is not None:
            self.wrap_up(row.counsellor_id)
        if row.queue_sid:
            queue.enqueue(
                self.session,
                self.cipher,
                self.now,
                side_effects.delete_queue(
                    f"queue:{call_sid}:delete", queue_sid=row.queue_sid, due_at=self.now
                ),
            )
        self.distribute()

    # --- a counsellor's state -------------------------------------------------------------
    def wrap_up(self, counsellor_id: int) -> None:
        """A call ended: idle from now (longest idle first), offered nothing during the
        wrap-up (unless it is 0, or ended early with "bereit")."""
        self.session.execute(
            update(_COUNSELLORS)
            .where(_COUNSELLORS.c.id == counsellor_id)
            .values(
                last_call_at=self.now,
                wrap_up_until=self.now + timedelta(seconds=self.config.wrap_up_seconds),
            )
        )

    def ready(self, counsellor_id: int) -> None:
        """The counsellor ends the wrap-up early ("bereit"): offered the next caller now."""
        hold_routing_lock(self.session)
        self.session.execute(
            update(_COUNSELLORS)
            .where(_COUNSELLORS.c.id == counsellor_id, _COUNSELLORS.c.wrap_up_until > self.now)
            .values(wrap_up_until=self.now)
        )
        self.distribute()

    # --- a counsellor's leg -------------------------------------------------------------
    def offer(self, offer_id: int) -> OfferView | None:
        row = self.session.execute(
            select(
                _OFFERS.c.id,
                _OFFERS.c.call_sid,
                _OFFERS.c.counsellor_id,
                _OFFERS.c.state,
                Case.__table__.c.reference,
                _CALLS.c.language,
                and_(
                    _CALLS.c.connected_at.is_(None),
                    _CALLS.c.queue_left_at.is_(None),
                    _CALLS.c.ended_at.is_(None),
                ),
                _CALLS.c.connected_at.is_not(None),
            )
            .join(_CALLS, _CALLS.c.call_sid == _OFFERS.c.call_sid)
            .outerjoin(Case.__table__, Case.__table__.c.id == _CALLS.c.case_id)
            .where(_OFFERS.c.id == offer_id)
        ).one_or_none()
        return OfferView(*row) if row else None

    def leg_answered(self, offer_id: int, leg_sid: str) -> OfferView | None:
        """The counsellor (or a mailbox) picked up; the whisper is about to play."""
        hold_routing_lock(self.session)
        self.session.execute(
            update(_OFFERS)
            .where(_OFFERS.c.id == offer_id, _OFFERS.c.state.in_(OPEN_STATES))
            .values(state=OfferState.ANSWERED, leg_call_sid=leg_sid, answered_at=self.now)
        )
        return self.offer(offer_id)

    def accept(self, offer_id: int) -> OfferView | None:
        """Pressed 1: connect this counsellor, if the caller still waits and nobody else was
        faster (the offer as it was then), else None. Ends the other legs of the caller."""
        hold_routing_lock(self.session)
        view = self.offer(offer_id)
        if view is None or view.state not in OPEN_STATES:
            return None
        taken = self.session.execute(
            update(_CALLS)
            .where(
                _CALLS.c.call_sid == view.caller_call_sid,
                _CALLS.c.connected_at.is_(None),
                _CALLS.c.queue_left_at.is_(None),
                _CALLS.c.ended_at.is_(None),
            )
            .values(
                counsellor_id=view.counsellor_id,
                connected_at=self.now,
                queue_left_at=self.now,
                outcome=CallOutcome.CONNECTED,
            )
        ).rowcount
        if taken != 1:
            return None
        self.session.execute(
            update(_OFFERS).where(_OFFERS.c.id == offer_id).values(state=OfferState.ACCEPTED)
        )
        self.session.execute(
            update(_COUNSELLORS)
            .where(_COUNSELLORS.c.id == view.counsellor_id)
            .values(passes_in_a_row=0)
        )
        self._end_open_offers(view.caller_call_sid, keep=offer_id)
        self.distribute()  # the others rung for this caller are free for the next
        return view

    def let_pass(self, offer_id: int, reason: str) -> None:
        """The leg ended without accepting (no key, another key, no answer, busy, a mailbox):
        the counsellor is free for others (for this caller again after the repass time)."""
        hold_routing_lock(self.session)
        row = self.session.execute(
            update(_OFFERS)
            .where(_OFFERS.c.id == offer_id, _OFFERS.c.state.in_(OPEN_STATES))
            .values(state=OfferState.PASSED, pass_reason=reason[:32], ended_at=self.now)
            .returning(_OFFERS.c.counsellor_id, _OFFERS.c.call_sid)
        ).one_or_none()
        if row is None:  # accepted, ended by us, or passed already: nothing to count
            return
        self._count_pass(row.counsellor_id)
        self.distribute()

    def leg_status(self, work_id: int, leg_sid: str, status: str) -> bool:
        """A status callback of a counsellor's leg (its URL names the ring's work item).

        Returns False when the work item rang no counsellor (the caller notes its reference
        in the outbox the general way). Every leg calls back several times: only what changes
        is written.
        """
        hold_routing_lock(self.session)
        offer = self.session.execute(
            select(_OFFERS.c.id, _OFFERS.c.state, _OFFERS.c.leg_call_sid, _WORK.c.reference)
            .join(_WORK, _WORK.c.id == _OFFERS.c.work_item_id)
            .where(_OFFERS.c.work_item_id == work_id)
        ).one_or_none()
        if offer is None:
            return False
        if offer.reference is None:  # the attempt went out, whatever became of its process
            queue.note_reference(self.session, work_id, leg_sid)
        changes: dict[str, object] = {}
        if offer.leg_call_sid is None:
            changes["leg_call_sid"] = leg_sid
        if status in ("initiated", "ringing", "queued") and offer.state == OfferState.PLANNED:
            changes["state"] = OfferState.RINGING
        if changes:
            self.session.execute(update(_OFFERS).where(_OFFERS.c.id == offer.id).values(changes))
        if status in ("initiated", "ringing") and offer.state == OfferState.ENDED:
            self._hang_up(offer.id, leg_sid, while_ringing=True)  # placed after it was over
        elif status in TERMINAL_STATUSES and offer.state in OPEN_STATES:
            self.let_pass(offer.id, "no-key" if status == "completed" else status)
        return True

    # --- inside -------------------------------------------------------------------------
    def _end_open_offers(self, call_sid: str, keep: int | None) -> None:
        rows = self.session.execute(
            select(
                _OFFERS.c.id,
                _OFFERS.c.state,
                _OFFERS.c.leg_call_sid,
                _OFFERS.c.work_item_id,
                _WORK.c.reference,
            )
            .outerjoin(_WORK, _WORK.c.id == _OFFERS.c.work_item_id)
            .where(_OFFERS.c.call_sid == call_sid, _OFFERS.c.state.in_(OPEN_STATES))
        ).all()
        for row in rows:
            if row.id == keep:
                continue
            self.session.execute(
                update(_OFFERS)
                .where(_OFFERS.c.id == row.id)
                .values(state=OfferState.ENDED, ended_at=self.now)
            )
            if row.work_item_id and queue.cancel(self.session, row.work_item_id, self.now):
                continue  # never rang
            leg_sid = row.leg_call_sid or row.reference
            if leg_sid:
                self._hang_up(row.id, leg_sid, while_ringing=row.state != OfferState.ANSWERED)
            # else: its REST call is under way; the leg hears it is over when it answers

    def _hang_up(self, offer_id: int, leg_sid: str, *, while_ringing: bool) -> None:
        queue.enqueue(
            self.session,
            self.cipher,
            self.now,
            side_effects.end_call(
                f"offer:{offer_id}:end",
                call_sid=leg_sid,
                due_at=self.now,
                while_ringing=while_ringing,
            ),
        )

    def _count_pass(self, counsellor_id: int) -> None:
        passes = self.session.execute(
            update(_COUNSELLORS)
            .where(_COUNSELLORS.c.id == counsellor_id)
            .values(passes_in_a_row=_COUNSELLORS.c.passes_in_a_row + 1)
            .returning(_COUNSELLORS.c.passes_in_a_row, _COUNSELLORS.c.on_duty)
        ).one()
        if passes.on_duty and passes.passes_in_a_row >= self.config.max_passes_in_a_row:
            reason = OffDutyReason.MISSED_OFFERS
            said = {"passes": passes.passes_in_a_row, "at": local_time(self.now, self.timezone)}
            self.session.execute(
                update(_COUNSELLORS)
                .where(_COUNSELLORS.c.id == counsellor_id)
                .values(
                    on_duty=False,
                    off_duty_code=reason,
                    off_duty_params=off_duty_params(reason, said),
                    updated_at=self.now,
                )
            )
            log.warning(
                "counsellor taken off duty after letting calls pass",
                extra={"counsellor_id": counsellor_id, "passes": passes.passes_in_a_row},
            )
