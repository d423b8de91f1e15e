"""Writing, claiming and settling work rows.

`enqueue` is called inside the transaction of the change that causes the work (a webhook step,
a booking): if that rolls back, the work never existed. The scheduler claims due rows in one
short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time, so a
conditional `UPDATE` is enough), does the work after that commit, and settles each row in a
transaction of its own. A claimed row carries a lease; one whose process died is recovered
when the lease runs out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from hotline.crypto import DataCipher
from hotline.database_kinds import DatabaseKind, kind_of
from hotline.outbox.models import CLAIMABLE, WorkItem, WorkState

WAKE_CHANNEL = "hotline_work"  # notified on commit: new work is due (where the database can)
MAX_ERROR_LENGTH = 300
_WORK: Table = WorkItem.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Work:
    """Work to queue: what kind, for what (the key), with what, when."""

    kind: str
    key: str  # unique: the same work is never queued twice ("callback:42:attempt:2")
    due_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)
    call_sid: str | None = None
    case_id: int | None = None
    max_attempts: int = 6


@dataclass(frozen=True)
class ClaimedWork:
    """A row the scheduler now holds, its payload decrypted for the handler."""

    id: int
    kind: str
    key: str
    attempt: int  # 1 for the first try
    payload: Mapping[str, Any]
    call_sid: str | None
    case_id: int | None
    reference: str | None  # set when an earlier attempt is known to have gone out


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: first retry after `base`, then `factor` times longer, at most
    `longest`."""

    base: timedelta = timedelta(seconds=10)
    factor: float = 3.0
    longest: timedelta = timedelta(minutes=30)

    def delay(self, attempt: int) -> timedelta:
        seconds = self.base.total_seconds() * self.factor ** max(attempt - 1, 0)
        return min(timedelta(seconds=seconds), self.longest)


def enqueue(session: Session, cipher: DataCipher, now: datetime, work: Work) -> int | None:
    """Queue `work` in the caller's transaction; its id, or None if its key was queued before."""
    connection = session.connection()
    database_kind = kind_of(session)
    result = connection.execute(_insert_unless_queued(database_kind), _row(work, cipher, now))
    item_id = result.scalar_one_or_none()
    if item_id is not None:
        database_kind.notify(connection, WAKE_CHANNEL)  # wakes the dispatcher on commit
    return item_id


def enqueue_many(
    session: Session, cipher: DataCipher, now: datetime, works: Sequence[Work]
) -> dict[str, int]:
    """`enqueue` for several rows in one statement (the distributor ringing many at once);
    the ids of those queued now, by key (a key queued before is left out)."""
    if not works:
        return {}
    connection = session.connection()
    database_kind = kind_of(session)
    rows = connection.execute(
        database_kind.insert(_WORK)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_WORK.c.id, _WORK.c.idempotency_key),
        [_row(work, cipher, now) for work in works],
    ).all()
    if rows:
        database_kind.notify(connection, WAKE_CHANNEL)
    return {key: item_id for item_id, key in rows}


def _row(work: Work, cipher: DataCipher, now: datetime) -> dict[str, object]:
    """The values of a new work row: pending, its payload encrypted."""
    return {
        "kind": work.kind,
        "idempotency_key": work.key,
        "state": WorkState.PENDING,
        "due_at": work.due_at,
        "attempts": 0,
        "max_attempts": work.max_attempts,
        "payload_encrypted": cipher.encrypt(json.dumps(dict(work.payload))),
        "call_sid": work.call_sid,
        "case_id": work.case_id,
        "created_at": now,
        "updated_at": now,
    }


@cache
def _insert_unless_queued(database_kind: DatabaseKind) -> Any:
    return (
        database_kind.insert(_WORK)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_WORK.c.id)
    )


def cancel(session: Session, item_id: int, now: datetime) -> bool:
    """Work no longer wanted, if it has not started: True when it will not run (and its
    payload is deleted)."""
    result = session.connection().execute(
        update(_WORK)
        .where(_WORK.c.id == item_id, _WORK.c.state.in_(CLAIMABLE))
        .values(state=WorkState.CANCELED, updated_at=now, finished_at=now, payload_encrypted=None)
    )
    return result.rowcount == 1


def bring_forward(session: Session, item_id: int, now: datetime) -> None:
    """Due now rather than later (the next counsellor, when one let the call pass)."""
    session.connection().execute(
        update(_WORK)
        .where(_WORK.c.id == item_id, _WORK.c.state == WorkState.PENDING, _WORK.c.due_at > now)
        .values(due_at=now, updated_at=now)
    )


def claim_due(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    worker: str,
    *,
    limit: int,
    lease: timedelta,
) -> list[ClaimedWork]:
    """Take up to `limit` due rows for `worker`; no other worker can take them meanwhile."""
    due = (
        select(_WORK.c.id)
        .where(_WORK.c.state.in_(CLAIMABLE), _WORK.c.due_at <= now)
        .order_by(_WORK.c.due_at, _WORK.c.id)
        .limit(limit)
    )
    due = kind_of(session).skipping_locked_rows(due)
    claimed = session.execute(
        update(_WORK)
        .where(_WORK.c.id.in_(due.scalar_subquery()), _WORK.c.state.in_(CLAIMABLE))
        .values(
            state=WorkState.RUNNING,
            claimed_by=worker,
            lease_until=now + lease,
            attempts=_WORK.c.attempts + 1,
            updated_at=now,
        )
        .returning(
            _WORK.c.id,
            _WORK.c.kind,
            _WORK.c.idempotency_key,
            _WORK.c.attempts,
            _WORK.c.payload_encrypted,
            _WORK.c.call_sid,
            _WORK.c.case_id,
            _WORK.c.reference,
            _WORK.c.due_at,
        )
    ).all()
    claimed.sort(key=lambda row: (row.due_at, row.id))
    return [
        ClaimedWork(
            id=row.id,
            kind=row.kind,
            key=row.idempotency_key,
            attempt=row.attempts,
            payload=json.loads(cipher.decrypt(row.payload_encrypted))
            if row.payload_encrypted
            else {},
            call_sid=row.call_sid,
            case_id=row.case_id,
            reference=row.reference,
        )
        for row in claimed
    ]


# Only the process holding the claim settles a row (one whose lease ran out and was claimed
# again by another is that one's now). `claimed_by` stays, for the record.
_SETTLE = (
    update(_WORK)
    .where(
        _WORK.c.id == bindparam("item_id"),
        _WORK.c.state == WorkState.RUNNING,
        _WORK.c.claimed_by == bindparam("worker"),
    )
    .values(lease_until=None)
)


def complete(
    session: Session, item_id: int, worker: str, now: datetime, reference: str | None
) -> None:
    """The work went out; `reference` names what Twilio or the mail server made of it.

    The payload (numbers, addresses, texts) is deleted with it: it was only kept to be sent."""
    values: dict[str, Any] = {"state": WorkState.DONE, "updated_at": now, "finished_at": now}
    values["payload_encrypted"] = None
    values["last_error"] = None
    if reference is not None:
        values["reference"] = reference[:200]
    session.connection().execute(_SETTLE.values(**values), {"item_id": item_id, "worker": worker})


def fail(
    session: Session,
    item_id: int,
    worker: str,
    now: datetime,
    error: str,
    *,
    transient: bool,
    policy: RetryPolicy,
) -> WorkState:
    """Record a failed attempt: retried later if it may pass, else dead. Returns the state."""
    row = session.execute(
        select(_WORK.c.attempts, _WORK.c.max_attempts).where(_WORK.c.id == item_id)
    ).one()
    retry = transient and row.attempts < row.max_attempts
    state = WorkState.FAILED if retry else WorkState.DEAD
    values: dict[str, Any] = {
        "state": state,
        "last_error": error[:MAX_ERROR_LENGTH],
        "updated_at": now,
    }
    if retry:
        values["due_at"] = now + policy.delay(row.attempts)
    else:
        values["finished_at"] = now
    session.connection().execute(_SETTLE.values(**values), {"item_id": item_id, "worker": worker})
    return state


def note_reference(session: Session, item_id: int, reference: str) -> bool:
    """Twilio reported on what this work made (a status callback names the work item): the
    attempt went out, whatever became of the process that made it."""
    result = session.connection().execute(
        update(_WORK)
        .where(_WORK.c.id == item_id, _WORK.c.reference.is_(None))
        .values(reference=reference[:200])
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class Recovery:
    requeued: int
    completed: int  # had gone out before its process died: not done again


def recover_stale(
    session: Session, now: datetime, *, sent_counts_as_done: Sequence[str]
) -> Recovery:
    """Rows left `running` past their lease by a process that died.

    For kinds where a repeat would be harmful (a second call to a counsellor), a row whose
    attempt is known to have gone out (`reference` set) is done; every other row is retried.
    """
    stale = _WORK.c.state == WorkState.RUNNING, _WORK.c.lease_until < now
    done = session.execute(
        update(_WORK)
        .where(*stale, _WORK.c.reference.is_not(None), _WORK.c.kind.in_(sent_counts_as_done))
        .values(state=WorkState.DONE, lease_until=None, finished_at=now)
    ).rowcount
    requeued = session.execute(
        update(_WORK)
        .where(*stale)
        .values(
            state=WorkState.FAILED,
            lease_until=None,
            due_at=now,
            last_error="its scheduler process stopped during the attempt",
            updated_at=now,
        )
    ).rowcount
    return Recovery(requeued=requeued, completed=done)


def retry_now(session: Session, item_id: int, now: datetime, *, attempts: int = 3) -> bool:
    """Requeue a dead (or failed) row right away, with `attempts` more tries."""
    result = session.execute(
        update(_WORK)
        .where(_WORK.c.id == item_id, _WORK.c.state.in_((WorkState.DEAD, WorkState.FAILED)))
        .values(
            state=WorkState.PENDING,
            due_at=now,
            max_attempts=_WORK.c.attempts + attempts,
            finished_at=None,
            updated_at=now,
        )
    )
    return result.rowcount == 1


def next_due_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(_WORK.c.due_at)).where(_WORK.c.state.in_(CLAIMABLE)))


def counts_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(_WORK.c.state, func.count()).group_by(_WORK.c.state))
    return {state: count for state, count in rows}


def oldest_overdue(session: Session, now: datetime, grace: timedelta) -> datetime | None:
    """Due time of the oldest row still waiting `grace` after it fell due (a stuck queue)."""
    return session.scalar(
        select(func.min(_WORK.c.due_at)).where(
            _WORK.c.state.in_(CLAIMABLE), _WORK.c.due_at <= now - grace
        )
    )


def listing(session: Session, state: str | None, limit: int) -> list[WorkItem]:
    query = select(WorkItem).order_by(WorkItem.due_at.desc(), WorkItem.id.desc()).limit(limit)
    if state is not None:
        query = query.where(WorkItem.state == state)
    return list(session.scalars(query))
