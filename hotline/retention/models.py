"""Erasures of a case on request (DSGVO Art. 17), four eyes: one admin states why and asks,
a different admin confirms, and only then is the case erased.

A row stays after the erasure as its record: which case, who asked and who confirmed, when,
why, and how many of Twilio's records were asked to be deleted. The reason is what the
admin typed; the console and the CLI ask that it names no person (e.g. "Antrag per E-Mail vom
3.12."), and it is the one text of the erasure that is kept."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime


class ErasureState(StrEnum):
    PENDING = "pending"  # asked for, waiting for a second admin
    DONE = "done"  # confirmed and carried out
    WITHDRAWN = "withdrawn"  # taken back before anyone confirmed it


_PENDING = text("state = 'pending'")


class CaseErasure(Base):
    """At most one pending erasure per case: the database refuses a second."""

    __tablename__ = "case_erasures"
    __table_args__ = (
        Index(
            "uq_case_erasures_one_pending_per_case",
            "case_id",
            unique=True,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=ErasureState.PENDING)
    reason: Mapped[str] = mapped_column(String(300))
    requested_by: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # how many of Twilio's records (calls, SMS) the erasure asked Twilio to delete
    twilio_records: Mapped[int] = mapped_column(Integer, default=0)
