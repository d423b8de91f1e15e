"""A case's timeline: its events (callbacks, appointments, referrals, changes) and its calls,
merged by time. Calls are read from the call table rather than copied into events, so wait
and talk time are always those Twilio reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.cases.event_texts import event_text
from hotline.cases.events import CaseEvent
from hotline.cases.wording import CALL_OUTCOMES
from hotline.counsellors.models import Counsellor
from hotline.telephony.models import Call, CallDirection
from hotline.texts import text


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str  # "" once the retention sweep has anonymised the case
    by: str | None = None  # the counsellor who did it, when a console user did


def timeline(session: Session, case_id: int) -> list[TimelineEntry]:
    """Newest first."""
    events = session.execute(
        select(CaseEvent, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.staff_id == CaseEvent.staff_id)
        .where(CaseEvent.case_id == case_id)
    )
    entries = [
        TimelineEntry(event.at, event.kind, event_text(event.kind, event.params), name)
        for event, name in events
    ]
    calls = session.scalars(
        select(Call).where(Call.case_id == case_id, Call.direction == CallDirection.INBOUND)
    )
    entries.extend(TimelineEntry(call.started_at, "call", call_line(call)) for call in calls)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def call_line(call: Call) -> str:
    if call.ended_at is None:
        return text("cases.call_under_way")
    wait = talk = 0.0
    if call.queued_at is not None:
        left = call.connected_at or call.queue_left_at or call.ended_at
        wait = (left - call.queued_at).total_seconds()
    if call.connected_at is not None:
        talk = (call.ended_at - call.connected_at).total_seconds()
    unknown = call.outcome or text("cases.call_outcome_unknown")
    outcome = CALL_OUTCOMES.get(call.outcome or "", unknown)
    return text("cases.call_line", outcome=outcome, wait=minutes(wait), talk=minutes(talk))


def minutes(seconds: float) -> str:
    whole = max(0, int(seconds))
    return text("cases.minutes", minutes=whole // 60, seconds=whole % 60)
