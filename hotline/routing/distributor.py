"""The distributor: decides who is rung for whom, whenever the situation changes.

Called in the transaction of every change that may free a counsellor or put someone in line
(a caller joins or leaves, a leg is let pass, a call or callback ends, a counsellor comes on
duty or ends the wrap-up), by a `distribute` work row at the next moment waiting alone
changes something (a language wait, a repass, the end of a wrap-up or an appointment), and
every few seconds by the scheduler as a safety net. It holds the routing lock, reads the line
and the counsellors' states afresh, and rings: for a caller an offer row and a `place_call`
work row (the whisper names the caller's case; pressing 1 bridges to that caller's own
queue), for a callback the counsellor first, as a callback is always placed. A partial unique
index lets no counsellor hold two open offers, as a last line behind the lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Table, bindparam, update

from hotline.outbox import queue, side_effects
from hotline.outbox.queue import Work
from hotline.routing.line import EntryKind, the_line
from hotline.routing.lock import hold_routing_lock
from hotline.routing.models import CallOffer, OfferState
from hotline.routing.planning import Ring, plan_round
from hotline.routing.states import (
    CounsellorNow,
    CounsellorState,
    available_counsellors,
    counsellors_now,
)
from hotline.telephony.legs import LegOwner

if TYPE_CHECKING:  # the unit makes the desks; they only read it
    from hotline.routing.unit import RoutingUnit

log = logging.getLogger(__name__)
DISTRIBUTE = "distribute"
WHISPER_PATH = "whisper"
_OFFERS: Table = CallOffer.__table__  # type: ignore[assignment]


def distribute_work(at: datetime) -> Work:
    """A look at the line at `at` (one row per second: many reasons to look, one look)."""
    return Work(DISTRIBUTE, f"distribute:{int(at.timestamp())}", at, {}, max_attempts=2)


@dataclass(frozen=True)
class Distributed:
    rings: list[Ring]
    next_look: datetime | None


class Distributor:
    def __init__(self, unit: RoutingUnit) -> None:
        self.unit = unit
        self.session = unit.session
        self.now = unit.now
        self.cipher = unit.cipher
        self.config = unit.config.routing

    def distribute(self) -> Distributed:
        """One round: ring whom the line needs now; a look queued for when waiting alone
        changes something."""
        hold_routing_lock(self.session)
        line = the_line(self.session)
        if not line:
            return Distributed([], None)
        states = counsellors_now(self.session, self.now)
        if any(entry.kind == EntryKind.CALLBACK for entry in line) and not self.unit.is_open():
            line = [entry for entry in line if entry.kind == EntryKind.CALLER]
        free = available_counsellors(states, self.cipher)
        spoken = frozenset().union(*(c.languages for c in states if c.on_duty))
        planned = plan_round(line, free, spoken, self.config, self.now)
        self._ring_callers([ring for ring in planned.rings if ring.entry.kind == EntryKind.CALLER])
        for ring in planned.rings:
            if ring.entry.kind == EntryKind.CALLBACK:
                self.unit.placement.ring_in_line(
                    int(ring.entry.key), ring.counsellor.id, ring.counsellor.number
                )
        next_look = _earliest(planned.next_look, _when_one_is_free_again(states, self.now))
        if next_look is not None:
            queue.enqueue(self.session, self.cipher, self.now, distribute_work(next_look))
        return Distributed(planned.rings, next_look)

    def _ring_callers(self, rings: list[Ring]) -> None:
        """An offer row and a `place_call` row for each, in three statements however many."""
        if not rings:
            return
        offer_ids = (
            self.session.execute(
                _OFFERS.insert().returning(_OFFERS.c.id, sort_by_parameter_order=True),
                [
                    {
                        "call_sid": ring.entry.key,
                        "counsellor_id": ring.counsellor.id,
                        "state": OfferState.PLANNED,
                        "offered_at": self.now,
                    }
                    for ring in rings
                ],
            )
            .scalars()
            .all()
        )
        works = [
            side_effects.place_call(
                f"offer:{offer_id}:ring",
                to=ring.counsellor.number,
                answer_path=f"{WHISPER_PATH}?offer={offer_id}",
                due_at=self.now,
                ring_seconds=self.config.ring_seconds,
                call_sid=ring.entry.key,
                leg=LegOwner.OFFER,
            )
            for offer_id, ring in zip(offer_ids, rings, strict=True)
        ]
        queued = queue.enqueue_many(self.session, self.cipher, self.now, works)
        self.session.execute(
            update(_OFFERS)
            .where(_OFFERS.c.id == bindparam("offer"))
            .values(work_item_id=bindparam("work")),
            [
                {"offer": offer_id, "work": queued[work.key]}
                for offer_id, work in zip(offer_ids, works, strict=True)
            ],
        )
        for ring in rings:
            ring.entry.rung.add(ring.counsellor.id)


def _when_one_is_free_again(states: list[CounsellorNow], now: datetime) -> datetime | None:
    """The end of the first wrap-up or video appointment of a counsellor on duty."""
    waits = (CounsellorState.WRAP_UP, CounsellorState.IN_APPOINTMENT)
    ends = [
        c.until
        for c in states
        if c.on_duty and c.state in waits and c.until is not None and c.until > now
    ]
    return min(ends) if ends else None


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [moment.astimezone(UTC) for moment in moments if moment is not None]
    return min(known) if known else None
