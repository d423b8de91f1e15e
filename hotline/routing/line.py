"""The line: everyone waiting for a counsellor now, in the order they joined.

Callers waiting in their queues, and callbacks a caller asked for while waiting (virtual
hold): such a callback keeps the caller's place, the time they joined the line. Each entry
carries what the distributor needs to decide (language, who is rung for it now, who let it
pass when) and what the live view shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Table, and_, exists, select
from sqlalchemy.orm import Session

from hotline.callbacks.models import Callback, CallbackAttempt, CallbackState
from hotline.cases.models import Case
from hotline.routing.models import OPEN_STATES, CallOffer, OfferState
from hotline.telephony.models import Call

_CALLS: Table = Call.__table__  # type: ignore[assignment]
_OFFERS: Table = CallOffer.__table__  # type: ignore[assignment]
_CALLBACKS: Table = Callback.__table__  # type: ignore[assignment]
_ATTEMPTS: Table = CallbackAttempt.__table__  # type: ignore[assignment]
_CASES: Table = Case.__table__  # type: ignore[assignment]


class EntryKind(StrEnum):
    CALLER = "caller"
    CALLBACK = "callback"


@dataclass
class InLine:
    kind: EntryKind
    key: str  # the caller's CallSid, or the callback's id
    since: datetime  # when they joined the line
    language: str
    case_reference: str | None
    order: int  # the call's row: who rang first, when two joined in the same instant
    rung: set[int] = field(default_factory=set)  # counsellors rung for it now
    passed: dict[int, datetime] = field(default_factory=dict)  # who let it pass, when last
    last_offer_at: datetime | None = None

    def waited(self, now: datetime) -> float:
        return max((now - self.since).total_seconds(), 0.0)


def waiting_callers() -> tuple:  # type: ignore[type-arg]
    """The conditions of a caller in the line."""
    return (
        _CALLS.c.queued_at.is_not(None),
        _CALLS.c.connected_at.is_(None),
        _CALLS.c.queue_left_at.is_(None),
        _CALLS.c.ended_at.is_(None),
    )


def callbacks_in_line() -> tuple:  # type: ignore[type-arg]
    """The conditions of a callback that holds a caller's place and is not being placed."""
    engaged = exists().where(
        _ATTEMPTS.c.callback_id == _CALLBACKS.c.id,
        _ATTEMPTS.c.counsellor_id.is_not(None),
        _ATTEMPTS.c.ended_at.is_(None),
    )
    return (
        _CALLBACKS.c.line_since.is_not(None),
        _CALLBACKS.c.state.in_((CallbackState.BOOKED, CallbackState.CALLING)),
        ~engaged,
    )


def the_line(session: Session, *, with_offers: bool = True) -> list[InLine]:
    """Everyone in the line, first come first; callbacks among the callers by the time the
    caller joined."""
    entries = [
        InLine(EntryKind.CALLER, sid, queued_at, language, reference, order)
        for sid, queued_at, language, reference, order in session.execute(
            select(
                _CALLS.c.call_sid,
                _CALLS.c.queued_at,
                _CALLS.c.language,
                _CASES.c.reference,
                _CALLS.c.id,
            )
            .outerjoin(_CASES, _CASES.c.id == _CALLS.c.case_id)
            .where(*waiting_callers())
        )
    ]
    callbacks = session.execute(
        select(
            _CALLBACKS.c.id,
            _CALLBACKS.c.line_since,
            _CALLS.c.language,
            _CASES.c.reference,
            _CALLS.c.id,
        )
        .outerjoin(_CALLS, _CALLS.c.call_sid == _CALLBACKS.c.call_sid)
        .outerjoin(_CASES, _CASES.c.id == _CALLBACKS.c.case_id)
        .where(*callbacks_in_line())
    ).all()
    entries += [
        InLine(EntryKind.CALLBACK, str(callback_id), since, language or "de", reference, order or 0)
        for callback_id, since, language, reference, order in callbacks
    ]
    entries.sort(key=lambda entry: (entry.since, entry.order))
    if with_offers:
        _note_offers(session, [entry for entry in entries if entry.kind == EntryKind.CALLER])
        _note_callback_tries(session, [e for e in entries if e.kind == EntryKind.CALLBACK])
    return entries


def position_of(line: Iterable[InLine], kind: EntryKind, key: str) -> int:
    """1 + those ahead in the line; 1 when not (or no longer) in it."""
    for number, entry in enumerate(line, start=1):
        if entry.kind == kind and entry.key == key:
            return number
    return 1


def _note_offers(session: Session, callers: list[InLine]) -> None:
    if not callers:
        return
    by_sid = {entry.key: entry for entry in callers}
    rows = session.execute(
        select(
            _OFFERS.c.call_sid,
            _OFFERS.c.counsellor_id,
            _OFFERS.c.state,
            _OFFERS.c.offered_at,
            _OFFERS.c.ended_at,
        ).where(
            _OFFERS.c.call_sid.in_(list(by_sid)),
            _OFFERS.c.state.in_((*OPEN_STATES, OfferState.PASSED)),
        )
    )
    for call_sid, counsellor_id, state, offered_at, ended_at in rows:
        entry = by_sid[call_sid]
        if entry.last_offer_at is None or offered_at > entry.last_offer_at:
            entry.last_offer_at = offered_at
        if state in OPEN_STATES:
            entry.rung.add(counsellor_id)
        elif ended_at is not None:
            before = entry.passed.get(counsellor_id)
            entry.passed[counsellor_id] = max(ended_at, before) if before else ended_at


def _note_callback_tries(session: Session, callbacks: list[InLine]) -> None:
    """A callback in line remembers who let its current attempt pass (`counsellors_tried`)."""
    if not callbacks:
        return
    by_id = {int(entry.key): entry for entry in callbacks}
    rows = session.execute(
        select(_ATTEMPTS.c.callback_id, _ATTEMPTS.c.counsellors_tried, _ATTEMPTS.c.started_at)
        .join(
            _CALLBACKS,
            and_(
                _CALLBACKS.c.id == _ATTEMPTS.c.callback_id,
                _CALLBACKS.c.attempts == _ATTEMPTS.c.number,
            ),
        )
        .where(_ATTEMPTS.c.callback_id.in_(list(by_id)))
    )
    for callback_id, tried, started_at in rows:
        entry = by_id[callback_id]
        for part in tried.split(","):
            if part:
                entry.passed[int(part)] = started_at
