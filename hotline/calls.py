"""The call log: rows keyed by CallSid, written by webhooks in any order Twilio delivers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.cases import find_case, open_case
from hotline.crypto import DataCipher
from hotline.models import Call, CallDirection, CallOutcome
from hotline.phone_numbers import is_withheld

TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
_PROGRESS = {"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3}
_TERMINAL_RANK = 4


def status_rank(status: str) -> int:
    return _TERMINAL_RANK if status in TERMINAL_STATUSES else _PROGRESS.get(status, -1)


@dataclass(frozen=True)
class StatusReport:
    """One status callback, as Twilio sent it (at = Twilio's Timestamp, else receipt time)."""

    call_sid: str
    status: str
    at: datetime
    parent_call_sid: str | None = None
    direction: str | None = None
    sequence_number: int | None = None
    duration_seconds: int | None = None


def find_call(session: Session, call_sid: str) -> Call | None:
    return session.scalars(select(Call).where(Call.call_sid == call_sid)).one_or_none()


def _find_or_add(session: Session, call_sid: str, make: Callable[[], Call]) -> Call:
    """Get-or-create that survives two workers creating the same CallSid at once."""
    call = find_call(session, call_sid)
    if call is not None:
        return call
    call = make()
    try:
        with session.begin_nested():
            session.add(call)
            session.flush()
    except IntegrityError:
        existing = find_call(session, call_sid)
        if existing is None:
            raise
        return existing
    return call


def register_inbound_call(
    session: Session, call_sid: str, caller: str | None, cipher: DataCipher, now: datetime
) -> Call:
    """The call the service is answering now; the caller's number is kept only encrypted."""
    withheld = is_withheld(caller)
    call = _find_or_add(
        session,
        call_sid,
        lambda: Call(
            call_sid=call_sid, direction=CallDirection.INBOUND, status="ringing", started_at=now
        ),
    )
    if call.caller_number_encrypted is None and not call.caller_withheld:
        call.caller_withheld = withheld
        if not withheld and caller:
            call.caller_number_encrypted = cipher.encrypt(caller.strip())
    if call.answered_at is None:
        call.answered_at = now
    return call


def call_for_step(session: Session, call_sid: str, now: datetime) -> Call:
    """The call a later step belongs to; a call unknown here still gets a row (state is kept)."""
    return _find_or_add(
        session,
        call_sid,
        lambda: Call(
            call_sid=call_sid,
            direction=CallDirection.INBOUND,
            status="in-progress",
            started_at=now,
            answered_at=now,
            caller_withheld=True,
        ),
    )


def link_case(session: Session, call: Call, reference: str | None, now: datetime) -> None:
    """Link the call to the named case, or to a new case stub; a call keeps its first case."""
    if call.case_id is not None:
        return
    case = find_case(session, reference) if reference else None
    if case is None:
        case = open_case(session, now)
    case.updated_at = now
    call.case = case


def set_outcome(call: Call, outcome: CallOutcome) -> None:
    call.outcome = outcome


def record_status(session: Session, report: StatusReport) -> Call:
    """Apply a status callback; late or repeated ones never move a call backwards."""
    call = _find_or_add(
        session,
        report.call_sid,
        lambda: Call(
            call_sid=report.call_sid,
            parent_call_sid=report.parent_call_sid,
            direction=_direction(report),
            status=report.status,
            started_at=report.at,
            caller_withheld=True,
        ),
    )
    if report.parent_call_sid and not call.parent_call_sid:
        call.parent_call_sid = report.parent_call_sid
    if report.status == "in-progress" and call.answered_at is None:
        call.answered_at = report.at
    if status_rank(report.status) > status_rank(call.status):
        call.status = report.status
        call.last_sequence_number = report.sequence_number
    if report.status in TERMINAL_STATUSES:
        _record_end(call, report)
    return call


def _record_end(call: Call, report: StatusReport) -> None:
    if call.ended_at is None:
        call.ended_at = report.at
    if report.duration_seconds is not None and call.duration_seconds is None:
        call.duration_seconds = report.duration_seconds
        if call.answered_at is None and report.duration_seconds > 0:
            call.answered_at = call.ended_at - timedelta(seconds=report.duration_seconds)
    if call.outcome is None and call.direction == CallDirection.INBOUND:
        call.outcome = CallOutcome.ENDED_IN_INTAKE if call.case_id is None else CallOutcome.HUNG_UP


def _direction(report: StatusReport) -> str:
    if report.direction in {d.value for d in CallDirection}:
        return report.direction
    return CallDirection.OUTBOUND_DIAL if report.parent_call_sid else CallDirection.INBOUND
