"""What the console's *Heute* page shows: callers waiting now, who is on duty, callbacks due
and failed, today's appointments, follow-ups due. Read-only, a few small queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import OPEN_CALLBACK_STATES, Callback, CallbackState
from hotline.cases.models import Case, CaseStatus
from hotline.counsellors.models import Counsellor
from hotline.reports.local_days import utc_bounds
from hotline.telephony.models import Call, CallDirection

FAILED_SHOWN_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Waiting:
    since: datetime
    case_reference: str | None


@dataclass(frozen=True)
class CallbackLine:
    id: int
    due_at: datetime | None
    state: str
    case_reference: str | None
    attempts: int
    has_number: bool
    appointment_id: int | None = None  # the call of a phone appointment (not a callback)


@dataclass(frozen=True)
class AppointmentLine:
    id: int
    start: datetime
    end: datetime
    counsellor: str
    case_reference: str
    state: str
    booked_via: str
    has_phone: bool
    by_phone: bool = False  # a phone appointment (the counsellor calls), not video


@dataclass(frozen=True)
class Today:
    waiting: list[Waiting]
    on_duty: list[str]
    callbacks_due: list[CallbackLine]
    callbacks_failed: list[CallbackLine]
    appointments: list[AppointmentLine]
    follow_ups_due: list[tuple[str, datetime]]  # (reference, since)


def load_today(session: Session, now: datetime, tz: ZoneInfo) -> Today:
    today = now.astimezone(tz).date()
    start, end = utc_bounds(today, today, tz)
    waiting = [
        Waiting(queued_at, reference)
        for queued_at, reference in session.execute(
            select(Call.queued_at, Case.reference)
            .outerjoin(Case, Case.id == Call.case_id)
            .where(
                Call.direction == CallDirection.INBOUND,
                Call.queued_at.is_not(None),
                Call.queue_left_at.is_(None),
                Call.ended_at.is_(None),
            )
            .order_by(Call.queued_at)
        )
    ]
    on_duty = list(
        session.scalars(select(Counsellor.name).where(Counsellor.on_duty).order_by(Counsellor.name))
    )
    due = callback_lines(session, Callback.state.in_(OPEN_CALLBACK_STATES), Callback.due_at < end)
    failed = callback_lines(
        session,
        Callback.state == CallbackState.FAILED,
        Callback.ended_at >= now - FAILED_SHOWN_FOR,
    )
    follow_ups = list(
        session.execute(
            select(Case.reference, Case.updated_at)
            .where(Case.status == CaseStatus.FOLLOW_UP_DUE)
            .order_by(Case.updated_at)
        ).all()
    )
    return Today(waiting, on_duty, due, failed, appointment_lines(session, start, end), follow_ups)


def listed_callbacks(session: Session, state: str | None) -> list[CallbackLine]:
    """The callbacks *Rückrufe* lists: those in `state`, or all but drafts (a caller still
    choosing a slot has booked no callback yet)."""
    if state:
        return callback_lines(session, Callback.state == state)
    return callback_lines(session, Callback.state != CallbackState.DRAFT)


def callback_lines(session: Session, *conditions: object, limit: int = 200) -> list[CallbackLine]:
    rows = session.execute(
        select(Callback, Case.reference)
        .outerjoin(Case, Case.id == Callback.case_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Callback.due_at, Callback.id)
        .limit(limit)
    )
    return [
        CallbackLine(
            cb.id,
            cb.due_at,
            cb.state,
            reference,
            cb.attempts,
            cb.number_encrypted is not None,
            cb.appointment_id,
        )
        for cb, reference in rows
    ]


def appointment_lines(
    session: Session, start: datetime, end: datetime, *, booked_only: bool = True
) -> list[AppointmentLine]:
    query = (
        select(Appointment, Counsellor.name, Case.reference)
        .join(Counsellor, Counsellor.id == Appointment.counsellor_id)
        .join(Case, Case.id == Appointment.case_id)
        .where(Appointment.start >= start, Appointment.start < end)
        .order_by(Appointment.start)
    )
    if booked_only:
        query = query.where(Appointment.state == AppointmentState.BOOKED)
    return [
        AppointmentLine(
            a.id,
            a.start,
            a.end,
            name,
            reference,
            a.state,
            a.booked_via,
            a.phone_encrypted is not None,
            a.by_phone,
        )
        for a, name, reference in session.execute(query)
    ]
