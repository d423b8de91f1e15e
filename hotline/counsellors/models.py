"""The counsellor table; the phone number is only ever stored encrypted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.counsellors.wording import off_duty_text
from hotline.db import Base, UTCDateTime, encrypted

DISPLAY_NAME_LENGTH = 80


class OffDutyReason(StrEnum):
    """Why the service took a counsellor off duty; its sentence is in the catalog
    (`counsellors.off_duty_reasons`)."""

    MISSED_OFFERS = "missed_offers"  # let `max_passes_in_a_row` offered calls pass
    RECORDED = "recorded"  # a reason stored as a sentence before revision 0015


class Counsellor(Base):
    """A Berater:in who takes calls; the phone number is only stored encrypted."""

    __tablename__ = "counsellors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # how officials see this counsellor in invitations; empty: the first word of `name`
    display_name: Mapped[str | None] = mapped_column(String(DISPLAY_NAME_LENGTH))
    phone_encrypted: Mapped[bytes] = mapped_column(LargeBinary, info=encrypted())
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[str] = mapped_column(String(20), default="de", server_default="de")
    last_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # for longest-idle
    passes_in_a_row: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # after a call, no offer until then (`[routing] wrap_up_seconds`; "bereit" ends it early)
    wrap_up_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    # sha256 of the secret in the calendar feed's URL (renewed with `counsellor feed --renew`)
    feed_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    # why the service took this counsellor off duty (None: it did not, or duty began anew),
    # and what the sentence needs (`hotline.counsellors.wording`)
    off_duty_code: Mapped[str | None] = mapped_column(String(32))
    off_duty_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # the console login of this counsellor (switches their own duty, gets follow-up mails)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def shown_name(self) -> str:
        """The only name of this counsellor that officials see (in invitations and mails):
        the display name, or else the first word of the full name. Counsellors face the same
        haters as the callers, so their surname and address stay inside the hotline."""
        return self.display_name or self.name.split(maxsplit=1)[0][:DISPLAY_NAME_LENGTH]

    @property
    def off_duty_reason(self) -> str | None:
        """Why the service took this counsellor off duty, in the catalog's words as they are
        now; None when it did not."""
        if self.off_duty_code is None:
            return None
        return off_duty_text(self.off_duty_code, self.off_duty_params or {})
