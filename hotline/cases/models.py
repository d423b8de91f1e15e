"""The case stub table; the unique reference protects against two cases sharing a number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime, encrypted


class CaseStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    REFERRED = "referred"
    FOLLOW_UP_DUE = "follow_up_due"
    CLOSED = "closed"


class Case(Base):
    """A case stub: what counsellors follow up; every call that passes intake is linked to one."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_updated_at", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.NEW)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id"), index=True)
    federal_state: Mapped[str | None] = mapped_column(String(4))  # "BY", ... (vocabulary)
    topic: Mapped[str | None] = mapped_column(String(32))
    # free text may name people: kept encrypted, removed when the case is anonymised
    notes_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    # a caller with two cases: the other one points here and is closed
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # erased on request (`case_erasures`): only the reference and the dates are left, so that
    # staff can say that and when it was done; no call or booking links to it any more
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
