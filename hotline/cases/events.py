"""A case's timeline: what happened, when, and its few parameters (no phone numbers, no
addresses); `hotline.cases.event_texts` puts an entry into words when it is shown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.cases.event_texts import checked_params
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
    APPOINTMENT_NO_SHOW = "appointment_no_show"  # marked in the console
    PHONE_APPOINTMENT_BOOKED = "phone_appointment_booked"
    PHONE_APPOINTMENT_MOVED = "phone_appointment_moved"
    PHONE_APPOINTMENT_CANCELED = "phone_appointment_canceled"
    # the call of a phone appointment, placed like a callback, said as the appointment's
    PHONE_APPOINTMENT_CALL_DONE = "phone_appointment_call_done"
    PHONE_APPOINTMENT_CALL_FAILED = "phone_appointment_call_failed"
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
    # what the sentence needs (`hotline.cases.event_texts`); None once the retention sweep
    # has anonymised the case: the kind and the time stay
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))  # who did it


def note_on_case(
    session: Session,
    case_id: int | None,
    at: datetime,
    kind: CaseEventKind,
    params: Mapping[str, Any],
    staff_id: int | None = None,
) -> None:
    """Add to the case's timeline (nothing when the work has no case). `params` are the
    placeholders of the kind's sentence in the catalog, and its `variant` if it has several;
    anything else is refused (ValueError), so no prose and no contact detail is stored."""
    if case_id is not None:
        params = checked_params(kind, params)
        session.add(CaseEvent(case_id=case_id, at=at, kind=kind, params=params, staff_id=staff_id))
