"""The audit log table. The console only ever adds rows: no page edits or deletes them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    VIEWED = "viewed"
    REVEALED = "revealed"  # a masked number or address shown in full
    CHANGED = "changed"
    CALLED = "called"  # click-to-call
    EXPORTED = "exported"
    ADMIN = "admin"  # staff, counsellors, hours, directory


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # what was touched, in words without personal data ("Status: in Bearbeitung")
    detail: Mapped[str] = mapped_column(String(300), default="")
