"""The work table: one row per side effect or timed job, written with the change causing it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime, encrypted


class WorkState(StrEnum):
    PENDING = "pending"  # waiting for its due time
    RUNNING = "running"  # claimed by the scheduler; back to `failed` if its lease runs out
    DONE = "done"
    FAILED = "failed"  # the last attempt failed for a passing reason; retried at due_at
    DEAD = "dead"  # gave up (a permanent failure, or too many attempts); `hotline work retry`
    CANCELED = "canceled"  # no longer wanted before it ran (a colleague took the call)


CLAIMABLE = (WorkState.PENDING, WorkState.FAILED)


class WorkItem(Base):
    """A unit of work; the idempotency key makes queueing the same work twice a no-op."""

    __tablename__ = "work_items"
    __table_args__ = (Index("ix_work_items_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=WorkState.PENDING)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    payload_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # what went out, once known: a Call or Message SID, a Message-ID (no personal data)
    reference: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
