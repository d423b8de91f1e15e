"""The audit log table. The console only ever adds rows: no page edits or deletes them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.audit.wording import audit_text
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
    ERASED = "erased"  # a case's erasure asked for, withdrawn, or confirmed and carried out
    PROTECTION = "protection"  # blocks and flood mode (`hotline.abuse`)


class AuditMessage(StrEnum):
    """What an entry says about its action, beyond the action itself; the sentences are in
    the catalog (`audit.messages`), their parameters in `hotline.audit.wording`."""

    ACCOUNT_ADDED = "account_added"
    ACCOUNT_CHANGED = "account_changed"
    COUNSELLOR_ON_DUTY = "counsellor_on_duty"
    COUNSELLOR_OFF_DUTY = "counsellor_off_duty"
    DISPLAY_NAME_CHANGED = "display_name_changed"
    ABSENCE = "absence"
    AVAILABILITY = "availability"
    OFFER_SAVED = "offer_saved"
    OVERRIDE_SET = "override_set"
    OVERRIDES_CLEARED = "overrides_cleared"
    ON_DUTY = "on_duty"  # a counsellor's own duty, on the *Heute* page
    OFF_DUTY = "off_duty"
    CALLED_BACK = "called_back"
    APPOINTMENT_CANCELED = "appointment_canceled"  # by staff, in the console
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_EMAIL = "appointment_email"  # the official's address added or changed
    APPOINTMENT_NO_SHOW = "appointment_no_show"
    STATISTICS_EXPORTED = "statistics_exported"
    LOGIN_REFUSED = "login_refused"
    REVEALED = "revealed"  # which of a case's numbers or addresses was shown in full
    CASE_CHANGED = "case_changed"  # in the words of the case's timeline
    FOLLOW_UP_RECORDED = "follow_up_recorded"
    CALLER_BLOCKED = "caller_blocked"
    BLOCK_LIFTED = "block_lifted"
    BLOCK_EXPIRED = "block_expired"
    FLOOD_ON = "flood_on"
    FLOOD_OFF = "flood_off"
    BOOKINGS_HELD = "bookings_held"
    BOOKINGS_RELEASED = "bookings_released"
    RECORDED = "recorded"  # an entry stored as a sentence before revision 0015
    # the caller's rights: a case's data handed out (Art. 15) or erased (Art. 17), with the
    # reason the admin stated (`why`, the one typed text an entry keeps)
    CASE_EXPORTED = "case_exported"
    ERASURE_REQUESTED = "erasure_requested"
    ERASURE_WITHDRAWN = "erasure_withdrawn"
    ERASURE_CONFIRMED = "erasure_confirmed"


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # what was touched, as a message and its parameters, without personal data (None: the
    # action says it all); put into words when shown (`detail`)
    message: Mapped[str | None] = mapped_column(String(32))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    @property
    def detail(self) -> str:
        """What was touched, in the catalog's words as they are now ("" when the action
        says it all): "Status: neu → in Bearbeitung", "Konto 3 angelegt (admin)"."""
        if self.message is None:
            return ""
        return audit_text(self.message, self.params or {})
