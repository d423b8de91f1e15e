"""Support offers and referrals. An offer is public information (no personal data); a
referral links a case to an offer with a date to follow up."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime, encrypted


class SupportOffer(Base):
    __tablename__ = "support_offers"
    __table_args__ = (UniqueConstraint("name", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(4), index=True)  # "BY", ... or "BUND"
    category: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str] = mapped_column(String(300), default="")
    web_url: Mapped[str] = mapped_column(String(300), default="")
    last_checked: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("support_offers.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    follow_up_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # reminder went
    # what came of it, in the counsellor's words (may name people): kept encrypted
    follow_up_outcome_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    follow_up_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
