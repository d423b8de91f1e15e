"""Twilio's own copies: every call leg and SMS leaves a record in Twilio's logs (numbers,
times, an SMS's text), which our retention would never reach. The retention sweep (once a
record's contact period is over) and an erasure ask Twilio to delete them: one
`delete_twilio_record` work row per record, done by the scheduler through the one gateway and
retried like any other work. Twilio answers at once and finishes deleting in its own time
(its documentation allows days); what we can show is the state of each request.

A call is asked for once (`calls.twilio_deletion_at`); an SMS once (its work row's
`reference`, the Message SID, is cleared when the deletion is queued). The SID itself is only
in the deletion's encrypted payload, which goes when it is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from hotline.crypto import DataCipher
from hotline.outbox.models import WorkItem, WorkState
from hotline.outbox.queue import enqueue_many
from hotline.outbox.side_effects import delete_twilio_record
from hotline.telephony.models import Call

DELETE_TWILIO_RECORD = "delete_twilio_record"
SEND_SMS = "send_sms"
ERASED_SID_PREFIX = "erased-"  # a call's SID once its case was erased (never Twilio's)


class CallRecord(NamedTuple):
    """A call leg whose record at Twilio is to be deleted; the deletion's work row belongs
    to `case_id` (where its state is shown)."""

    id: int
    call_sid: str
    case_id: int | None
    twilio_deletion_at: datetime | None


def ask_to_delete_calls(
    session: Session, cipher: DataCipher, now: datetime, calls: Sequence[CallRecord]
) -> int:
    """Queue the deletion of Twilio's record of each call not asked for before; how many
    were queued now."""
    calls = [
        call
        for call in calls
        if call.twilio_deletion_at is None and not call.call_sid.startswith(ERASED_SID_PREFIX)
    ]
    queued = _queue(
        session, cipher, now, "call", [(call.id, call.call_sid, call.case_id) for call in calls]
    )
    if calls:
        ids = [call.id for call in calls]
        session.execute(update(Call).where(Call.id.in_(ids)).values(twilio_deletion_at=now))
    return queued


def ask_to_delete_messages(
    session: Session, cipher: DataCipher, now: datetime, sent: Sequence[Row]
) -> int:
    """Queue the deletion of Twilio's record of each SMS (rows of the `send_sms` work: id,
    reference = the Message SID, case_id); their references are cleared. How many queued."""
    queued = _queue(
        session, cipher, now, "message", [(row.id, row.reference, row.case_id) for row in sent]
    )
    if sent:
        ids = [row.id for row in sent]
        session.execute(update(WorkItem).where(WorkItem.id.in_(ids)).values(reference=None))
    return queued


def _queue(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    record: str,
    items: Sequence[tuple[int, str, int | None]],
) -> int:
    """One `delete_twilio_record` row per (row id, SID, case id), keyed by the row it came
    from; how many were new."""
    works = [
        delete_twilio_record(
            f"twilio_record:{record}:{row_id}", record=record, sid=sid, due_at=now, case_id=case_id
        )
        for row_id, sid, case_id in items
    ]
    return len(enqueue_many(session, cipher, now, works))


def calls_to_delete(session: Session, cutoff: datetime, limit: int) -> list[CallRecord]:
    """Calls over since before `cutoff` whose record Twilio was not yet asked to delete."""
    last_use = func.coalesce(Call.ended_at, Call.started_at)
    return [
        CallRecord(*row)
        for row in session.execute(
            select(Call.id, Call.call_sid, Call.case_id, Call.twilio_deletion_at)
            .where(
                Call.twilio_deletion_at.is_(None),
                Call.started_at < cutoff,
                last_use < cutoff,
            )
            .order_by(Call.id)
            .limit(limit)
        )
    ]


def messages_to_delete(session: Session, cutoff: datetime, limit: int) -> list[Row]:
    """SMS sent before `cutoff` whose record Twilio was not yet asked to delete."""
    return list(
        session.execute(
            select(WorkItem.id, WorkItem.reference, WorkItem.case_id)
            .where(
                WorkItem.kind == SEND_SMS,
                WorkItem.state == WorkState.DONE,
                WorkItem.reference.is_not(None),
                WorkItem.finished_at < cutoff,
            )
            .order_by(WorkItem.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class TwilioDeletions:
    """The requests to delete a case's records at Twilio, by the state of their work."""

    asked: int = 0
    done: int = 0  # Twilio accepted it (or had deleted it before)
    waiting: int = 0  # pending, running, or failed and retried later
    given_up: int = 0  # refused or too many attempts: `hotline work retry`

    @property
    def any(self) -> bool:
        return self.asked > 0


def deletions_of_case(session: Session, case_id: int) -> TwilioDeletions:
    """The state of every deletion at Twilio asked for the case (erasure and retention)."""
    counts = dict(
        session.execute(
            select(WorkItem.state, func.count())
            .where(WorkItem.kind == DELETE_TWILIO_RECORD, WorkItem.case_id == case_id)
            .group_by(WorkItem.state)
        ).all()
    )
    done = counts.get(WorkState.DONE, 0)
    given_up = counts.get(WorkState.DEAD, 0) + counts.get(WorkState.CANCELED, 0)
    return TwilioDeletions(
        asked=sum(counts.values()),
        done=done,
        waiting=sum(counts.values()) - done - given_up,
        given_up=given_up,
    )
