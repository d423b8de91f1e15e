"""Callbacks, their attempts, and the seats that keep a slot from being booked beyond its
capacity."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.db import Base, UTCDateTime, encrypted


class CallbackState(StrEnum):
    DRAFT = "draft"  # number taken, no time chosen yet (deleted when the call ends)
    BOOKED = "booked"  # waiting for its time
    CALLING = "calling"  # an attempt is under way
    DONE = "done"  # the counsellor and the caller talked
    FAILED = "failed"  # no attempt reached the caller; a follow-up is noted on the case
    CANCELED = "canceled"


OPEN_CALLBACK_STATES = (CallbackState.BOOKED, CallbackState.CALLING)


class Callback(Base):
    """One callback wish. The seat (1..capacity) of its slot is unique per slot: of two
    callers taking the last place at once, the database lets one through."""

    __tablename__ = "callbacks"
    __table_args__ = (UniqueConstraint("slot_start", "seat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)  # where it was booked
    state: Mapped[str] = mapped_column(String(16), default=CallbackState.DRAFT)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: as soon as free
    seat: Mapped[int | None] = mapped_column(Integer)  # None once it no longer holds a place
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    number_is_mobile: Mapped[bool] = mapped_column(Boolean, default=False)
    number_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # hotline.abuse
    # booked on the web or through the API: the sha256 of its manage link's secret
    token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the phone appointment this call is for: placed at the appointment's time, its own
    # counsellor rung first; it takes no seat (the appointment holds the counsellor)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    # asked for while waiting in the line: keeps the caller's place (when they joined it)
    # until a counsellor takes it; None for callbacks booked for a time
    line_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CallbackAttempt(Base):
    """One try to reach the caller: counsellors rung in turn, then the caller dialled."""

    __tablename__ = "callback_attempts"
    __table_args__ = (UniqueConstraint("callback_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the counsellor engaged with this attempt right now (rung, or dialling for the caller)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id"))
    counsellor_rung_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counsellors_tried: Mapped[str] = mapped_column(String(200), default="")  # "3,7"
    ring_work_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"))
    counsellor_leg_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))  # talked, caller-busy, ...
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


ENGAGED_AT_MOST = timedelta(hours=2)  # a lost status report frees the counsellor after this


def engaged_in_a_callback(counsellor_id: ColumnElement[int], now: datetime) -> ColumnElement[bool]:
    """True while the counsellor is rung for a callback or on it: they are not free for a
    caller in the queue, nor for another callback."""
    return exists().where(
        CallbackAttempt.counsellor_id == counsellor_id,
        CallbackAttempt.ended_at.is_(None),
        CallbackAttempt.counsellor_rung_at > now - ENGAGED_AT_MOST,
    )


def places_taken(session: Session, since: datetime, until: datetime) -> dict[datetime, int]:
    """Callbacks holding a place (a seat) per slot start in [since, until): what callback
    slots and video slots alike must leave room for."""
    return dict(
        session.execute(
            select(Callback.slot_start, func.count())
            .where(
                Callback.seat.is_not(None),
                Callback.slot_start >= since,
                Callback.slot_start < until,
            )
            .group_by(Callback.slot_start)
        ).all()
    )
