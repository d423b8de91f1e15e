"""Callbacks as staff look them up: by day and state, with the number only to be masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case

_CALLBACKS: Table = Callback.__table__  # type: ignore[assignment]
LISTED_STATES = tuple(state.value for state in CallbackState if state != CallbackState.DRAFT)


@dataclass(frozen=True)
class ListedCallback:
    id: int
    due_at: datetime | None
    slot_start: datetime | None  # None: as soon as a counsellor is free
    case_reference: str | None
    state: str
    attempts: int
    number_encrypted: bytes | None  # to be shown masked, never in full
    appointment_id: int | None  # the call of this phone appointment; None: a callback


def appointment_of_callback(session: Session, callback_id: int) -> int | None:
    """The phone appointment this callback is the call of; None for a callback of its own."""
    return session.scalar(select(_CALLBACKS.c.appointment_id).where(_CALLBACKS.c.id == callback_id))


def case_of_callback(session: Session, callback_id: int) -> int | None:
    """The id of the case the callback belongs to; None when it has none, or there is no
    such callback."""
    return session.scalar(select(_CALLBACKS.c.case_id).where(_CALLBACKS.c.id == callback_id))


def list_callbacks(
    session: Session, *, day: date | None, state: str | None, tz: tzinfo, limit: int = 500
) -> list[ListedCallback]:
    """Booked callbacks (never drafts: a caller still choosing is not a callback yet), in the
    order they fall due; `day` is a local day."""
    query = (
        select(
            _CALLBACKS.c.id,
            _CALLBACKS.c.due_at,
            _CALLBACKS.c.slot_start,
            Case.reference,
            _CALLBACKS.c.state,
            _CALLBACKS.c.attempts,
            _CALLBACKS.c.number_encrypted,
            _CALLBACKS.c.appointment_id,
        )
        .outerjoin(Case, Case.id == _CALLBACKS.c.case_id)
        .where(_CALLBACKS.c.state != CallbackState.DRAFT)
        .order_by(_CALLBACKS.c.due_at, _CALLBACKS.c.id)
        .limit(limit)
    )
    if state is not None:
        query = query.where(_CALLBACKS.c.state == state)
    if day is not None:
        start = datetime.combine(day, time(0), tzinfo=tz)
        query = query.where(
            _CALLBACKS.c.due_at >= start, _CALLBACKS.c.due_at < start + timedelta(days=1)
        )
    return [ListedCallback(*row) for row in session.execute(query)]
