"""Blocks, the line's protection state and the voice challenges of flood mode.

No table here holds a number: a block keeps the keyed hash of one (`hotline.abuse.hashing`),
dropped when the block ends; its reason is staff's own words, encrypted like a case's notes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime, encrypted


class BlockEnd(StrEnum):
    LIFTED = "lifted"  # by staff, before its time
    EXPIRED = "expired"  # its time was over (the scheduler's expiry job)


class CallerBlock(Base):
    """A caller's number refused until `expires_at` (or until staff lift it)."""

    __tablename__ = "caller_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the number's keyed hash while the block lasts; None once it ended
    number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    key_id: Mapped[str] = mapped_column(String(16))  # the hash key that made it
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_how: Mapped[str | None] = mapped_column(String(8))
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and self.expires_at > now


class LineProtection(Base):
    """One row (id 1): whether flood mode is on, since when and how; and a counter every
    change of the blocks raises, so that each worker reloads its list of blocks only then."""

    __tablename__ = "line_protection"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    flood_on: Mapped[bool] = mapped_column(Boolean, default=False)
    flood_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    flood_automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # by the thresholds
    flood_calm_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # a burst of bookings: new ones wait for confirmation by e-mail link until an admin lifts it
    bookings_held_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocks_version: Mapped[int] = mapped_column(BigInteger, default=0)


class CallChallenge(Base):
    """The digits a caller in flood mode is asked to type, keyed by the call (any worker may
    answer the next request); random digits, nothing about the caller."""

    __tablename__ = "call_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    digits: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HeldBooking(Base):
    """A booking made while bookings are held (a burst): kept, encrypted, until the booker
    confirms it by the link mailed to them, then booked like any other; never confirmed, it
    is deleted when `expires_at` has passed (`hotline.abuse.bursts`)."""

    __tablename__ = "held_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    request_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
