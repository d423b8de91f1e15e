"""One row per counsellor leg offered a caller: what became of it, for routing and statistics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime


class OfferState(StrEnum):
    PLANNED = "planned"  # its ring is queued (due now, or later for longest-idle)
    RINGING = "ringing"  # the REST call was placed
    ANSWERED = "answered"  # the counsellor (or a mailbox) picked up and hears the whisper
    ACCEPTED = "accepted"  # pressed 1 and was bridged to the caller
    PASSED = "passed"  # let it pass: no answer, busy, no key, another key, a mailbox
    ENDED = "ended"  # ended by the service: someone else accepted, or the caller left


OPEN_STATES = (OfferState.PLANNED, OfferState.RINGING, OfferState.ANSWERED)
_OPEN = text("state IN ('planned', 'ringing', 'answered')")


class CallOffer(Base):
    """A counsellor may be offered the same caller again (after a repass), but never two
    callers at once: at most one open offer per counsellor, held by the database."""

    __tablename__ = "call_offers"
    __table_args__ = (
        Index(
            "uq_call_offers_one_open_per_counsellor",
            "counsellor_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)  # the caller's call
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), index=True)
    leg_call_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default=OfferState.PLANNED)
    pass_reason: Mapped[str | None] = mapped_column(String(32))  # no-answer, busy, no-key, ...
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when its ring is due
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
