"""Calls (one row per leg, keyed by CallSid) and the log of Twilio deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.cases.models import Case
from hotline.db import Base, UTCDateTime, encrypted


class CallDirection(StrEnum):
    """Twilio's own words for who started a leg."""

    INBOUND = "inbound"
    OUTBOUND_DIAL = "outbound-dial"  # a leg the service's <Dial> rang
    OUTBOUND_API = "outbound-api"  # a call the service placed through the REST API


class CallOutcome(StrEnum):
    """What came of a caller's call, for follow-up and statistics."""

    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    NOBODY_ON_DUTY = "nobody_on_duty"
    CLOSED_INFORMED = "closed_informed"  # heard that the line is closed, booked nothing
    CLOSED_CALLBACK_BOOKED = "closed_callback_booked"  # out of hours, booked a callback
    ENDED_IN_INTAKE = "ended_in_intake"  # hung up before routing: no case to follow up
    HUNG_UP = "hung_up"  # hung up after intake, before anything else was recorded
    ABANDONED_IN_QUEUE = "abandoned_in_queue"  # hung up while waiting for a counsellor
    CALLBACK_REQUESTED = "callback_requested"  # open, but a callback instead of waiting
    APPOINTMENT_BOOKED = "appointment_booked"  # out of hours (closed menu, key 2): a video call
    NO_ACCEPT_WITHIN_MAX_WAIT = "no_accept_within_max_wait"
    TECHNICAL_FAILURE = "technical_failure"
    # refused before the greeting (`hotline.abuse`): never in the service level
    BLOCKED = "blocked"
    TOO_MANY_CALLS = "too_many_calls"
    CHALLENGE_FAILED = "challenge_failed"


_WAITING = text(
    "queued_at IS NOT NULL AND connected_at IS NULL AND queue_left_at IS NULL AND ended_at IS NULL"
)
_TALKING = text("counsellor_id IS NOT NULL AND connected_at IS NOT NULL AND ended_at IS NULL")
_QUEUED = text("queued_at IS NOT NULL")


class Call(Base):
    """One call leg, keyed by Twilio's CallSid; the call's state lives here, never in a worker."""

    __tablename__ = "calls"
    # what is read all the time (migration 0021): the line, who talks, a day's calls
    __table_args__ = (
        Index(
            "ix_calls_waiting",
            "queued_at",
            sqlite_where=_WAITING,
            postgresql_where=_WAITING,
        ),
        Index(
            "ix_calls_talking",
            "counsellor_id",
            sqlite_where=_TALKING,
            postgresql_where=_TALKING,
        ),
        Index("ix_calls_day_outcome", "started_at", "direction", "outcome"),
        Index(
            "ix_calls_queued_started",
            "started_at",
            sqlite_where=_QUEUED,
            postgresql_where=_QUEUED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    parent_call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    caller_number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    caller_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    # the number's keyed hash (`hotline.abuse.hashing`): calls per number, new numbers
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="de")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(32))
    last_sequence_number: Mapped[int | None] = mapped_column(Integer)
    # routing: waiting in the caller's own queue, then connected to one counsellor
    queue_sid: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queue_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id"), index=True)
    # when Twilio was asked to delete its own record of this leg (retention or an erasure):
    # a `delete_twilio_record` work row; asked once
    twilio_deletion_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case | None] = relationship()


class WebhookEvent(Base):
    """Every Twilio delivery once: a repeated delivery is answered from here and changes nothing."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(120))
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    response_status: Mapped[int] = mapped_column(Integer)
    response_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    response_type: Mapped[str] = mapped_column(String(64))
