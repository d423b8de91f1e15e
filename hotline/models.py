"""The hotline's tables; constraints that protect data (unique CallSid, reference) live here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.db import Base, UTCDateTime


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND_DIAL = "outbound-dial"  # a leg the service's <Dial> rang
    OUTBOUND_API = "outbound-api"  # a call the service placed through the REST API


class CallOutcome(StrEnum):
    """What came of a call, for follow-up and statistics."""

    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    NOBODY_ON_DUTY = "nobody_on_duty"
    CLOSED_INFORMED = "closed_informed"
    ENDED_IN_INTAKE = "ended_in_intake"  # hung up before routing: no case to follow up
    HUNG_UP = "hung_up"  # hung up after intake, before anything else was recorded
    TECHNICAL_FAILURE = "technical_failure"


class Case(Base):
    """A case stub: what counsellors follow up; every call that passes intake is linked to one."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    calls: Mapped[list[Call]] = relationship(back_populates="case")


class Call(Base):
    """One call leg, keyed by Twilio's CallSid; the call's state lives here, never in a worker."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    parent_call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    caller_number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    caller_withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2), default="de")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(32))
    last_sequence_number: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[Case | None] = relationship(back_populates="calls")


class WebhookEvent(Base):
    """Every Twilio delivery once: a repeated delivery is answered from here and changes nothing."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(120))
    call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    response_status: Mapped[int] = mapped_column(Integer)
    response_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_type: Mapped[str] = mapped_column(String(64))


class Counsellor(Base):
    """A Berater:in who takes calls; the phone number is only stored encrypted."""

    __tablename__ = "counsellors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    phone_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HoursOverrideEntry(Base):
    """A manual "closed until" / "open until" set by staff; cleared ones are kept for the record."""

    __tablename__ = "hours_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
