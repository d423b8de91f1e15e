"""The call log: rows keyed by CallSid, written by webhooks in any order Twilio delivers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.db import insert_unless_present
from hotline.telephony.models import Call, CallDirection, CallOutcome

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


def find_call(session: Session, call_sid: str, *, for_update: bool = False) -> Call | None:
    """The call row; `for_update` locks it (PostgreSQL) against a concurrent writer."""
    query = select(Call).where(Call.call_sid == call_sid)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def _locked_call(session: Session, values: dict[str, Any]) -> Call:
    """The call row, inserted unless present, locked until commit (PostgreSQL; SQLite has
    one writer anyway): two status callbacks at once are applied one after the other."""
    insert_unless_present(session, Call.__table__, values, ("call_sid",))
    call = find_call(session, values["call_sid"], for_update=True)
    assert call is not None
    return call


def record_status(session: Session, report: StatusReport) -> Call:
    """Apply a status callback; late or repeated ones never move a call backwards."""
    call = _locked_call(
        session,
        {
            "call_sid": report.call_sid,
            "parent_call_sid": report.parent_call_sid,
            "direction": _direction(report),
            "status": report.status,
            "started_at": report.at,
            "caller_withheld": True,
        },
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
