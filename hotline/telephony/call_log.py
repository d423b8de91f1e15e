"""The call log: rows keyed by CallSid, written by webhooks in any order Twilio delivers them.

A status callback is applied in three statements built once: insert the row unless present,
read it locked (PostgreSQL; SQLite has one writer anyway), update what changed. What changes is
decided by `status_changes`, plain Python over the row and the report: late or repeated
callbacks never move a call backwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from hotline.db import insert_unless_present
from hotline.telephony.models import Call, CallDirection, CallOutcome
from hotline.telephony.statuses import PROGRESS_STATUSES, TERMINAL_STATUSES

_PROGRESS = {status: rank for rank, status in enumerate(PROGRESS_STATUSES)}
_TERMINAL_RANK = len(PROGRESS_STATUSES)

_CALLS: Table = Call.__table__  # type: ignore[assignment]
_LOGGED = (
    _CALLS.c.status,
    _CALLS.c.direction,
    _CALLS.c.parent_call_sid,
    _CALLS.c.case_id,
    _CALLS.c.answered_at,
    _CALLS.c.ended_at,
    _CALLS.c.duration_seconds,
    _CALLS.c.outcome,
)
_READ_LOCKED = select(*_LOGGED).where(_CALLS.c.call_sid == bindparam("sid")).with_for_update()
_UPDATE = update(_CALLS).where(_CALLS.c.call_sid == bindparam("sid"))


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


@dataclass(frozen=True)
class LoggedCall:
    """The columns of a call that status callbacks read and write."""

    status: str
    direction: str
    parent_call_sid: str | None
    case_id: int | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    outcome: str | None


def find_call(session: Session, call_sid: str) -> Call | None:
    """The whole call row (for the CLI, the console and tests)."""
    return session.scalars(select(Call).where(Call.call_sid == call_sid)).one_or_none()


def record_status(session: Session, report: StatusReport) -> str:
    """Apply a status callback; returns the call's status afterwards."""
    insert_unless_present(
        session,
        _CALLS,
        {
            "call_sid": report.call_sid,
            "parent_call_sid": report.parent_call_sid,
            "direction": _direction(report),
            "status": report.status,
            "started_at": report.at,
            "caller_withheld": True,
        },
        ("call_sid",),
    )
    row = session.connection().execute(_READ_LOCKED, {"sid": report.call_sid}).one()
    call = LoggedCall(*row)
    changes = status_changes(call, report)
    if changes:
        session.connection().execute(_UPDATE, {"sid": report.call_sid, **changes})
    return changes.get("status", call.status)


def status_changes(call: LoggedCall, report: StatusReport) -> dict[str, Any]:
    """What a status report changes on the call as logged; never a step backwards."""
    changes: dict[str, Any] = {}
    if report.parent_call_sid and not call.parent_call_sid:
        changes["parent_call_sid"] = report.parent_call_sid
    answered_at = call.answered_at
    if report.status == "in-progress" and answered_at is None:
        answered_at = changes["answered_at"] = report.at
    if status_rank(report.status) > status_rank(call.status):
        changes["status"] = report.status
        changes["last_sequence_number"] = report.sequence_number
    if report.status not in TERMINAL_STATUSES:
        return changes
    ended_at = call.ended_at
    if ended_at is None:
        ended_at = changes["ended_at"] = report.at
    duration = report.duration_seconds
    if duration is not None and call.duration_seconds is None:
        changes["duration_seconds"] = duration
        if answered_at is None and duration > 0:
            changes["answered_at"] = ended_at - timedelta(seconds=duration)
    if call.outcome is None and call.direction == CallDirection.INBOUND:
        ended_early = call.case_id is None
        changes["outcome"] = CallOutcome.ENDED_IN_INTAKE if ended_early else CallOutcome.HUNG_UP
    return changes


def _direction(report: StatusReport) -> str:
    if report.direction in {d.value for d in CallDirection}:
        return report.direction
    return CallDirection.OUTBOUND_DIAL if report.parent_call_sid else CallDirection.INBOUND
