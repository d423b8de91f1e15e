"""Manual overrides of the opening hours, as staff set them; cleared ones stay for the record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime


class HoursOverrideEntry(Base):
    """A manual "closed until" / "open until" set by staff; cleared ones are kept for the record.

    `note` is for colleagues and never spoken; `announcement` (closed ones only, optional) is
    what callers hear as the reason the line is closed."""

    __tablename__ = "hours_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_open: Mapped[bool] = mapped_column(Boolean)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    note: Mapped[str] = mapped_column(String(200))
    announcement: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
