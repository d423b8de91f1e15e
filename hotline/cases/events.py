"""A case's timeline: what happened, when, in a few words (no phone numbers, no addresses)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.db import Base, UTCDateTime


class CaseEventKind(StrEnum):
    CALLBACK_BOOKED = "callback_booked"
    CALLBACK_ATTEMPT = "callback_attempt"
    CALLBACK_DONE = "callback_done"
    CALLBACK_FAILED = "callback_failed"
    CALLBACK_CANCELED = "callback_canceled"
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELED = "appointment_canceled"
    FOLLOW_UP = "follow_up"  # someone must act: the timeline says what
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    DETAILS_CHANGED = "details_changed"  # federal state, topic, notes
    REFERRED = "referred"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_DONE = "follow_up_done"
    MERGED = "merged"


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(500))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))  # who did it


def note_on_case(
    session: Session,
    case_id: int | None,
    at: datetime,
    kind: CaseEventKind,
    text: str,
    staff_id: int | None = None,
) -> None:
    """Add to the case's timeline (nothing when the work has no case)."""
    if case_id is not None:
        session.add(
            CaseEvent(case_id=case_id, at=at, kind=kind, text=text[:500], staff_id=staff_id)
        )
