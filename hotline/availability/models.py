"""Counsellors' weekly windows and absences: one availability model for callbacks and
appointments. A counsellor without windows is available whenever the line is open."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import false

from hotline.db import Base, UTCDateTime


class CounsellorWindow(Base):
    """A weekly window, in the hotline's local time (Monday = 0)."""

    __tablename__ = "counsellor_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    # "nach Vereinbarung": outside the opening hours, for video appointments only
    by_arrangement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CounsellorAbsence(Base):
    """Whole days away (holiday, illness), first and last day included."""

    __tablename__ = "counsellor_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
