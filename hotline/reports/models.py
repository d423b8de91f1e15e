"""The daily rollup of the statistics: finished local days summed up once, so that a year's
page reads a few thousand rows instead of half a million calls (see `rollup`).

A day is in the rollup when it has a `stats_rolled_days` row; its call counts and its wait
histogram are written in the same transaction (and added to its month's histogram), so a day
is either wholly rolled up or not at all. The rows hold counts only: no call, case or number,
nothing that retention must delete.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime

NO_OUTCOME = ""  # a call without a recorded outcome (a primary key column cannot be NULL)


class RolledDay(Base):
    """A local day whose figures are in the rollup, in the time zone they were counted in.

    The day's own wait median and 90th percentile are kept as they were computed from its
    histogram: percentiles do not add up, and a year's page would otherwise have to read
    every day's whole histogram to show 365 pairs of numbers."""

    __tablename__ = "stats_rolled_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))  # e.g. "Europe/Berlin"
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    waited: Mapped[int] = mapped_column(Integer)  # inbound calls that waited in the queue
    wait_median_seconds: Mapped[float | None] = mapped_column(Float)
    wait_p90_seconds: Mapped[float | None] = mapped_column(Float)


class CallsOfDay(Base):
    """Inbound calls that started on a rolled-up day, per outcome as recorded: the grouping
    into answered, abandoned, ... stays in `statistics`, so changing it needs no new rollup."""

    __tablename__ = "stats_call_days"

    day: Mapped[date] = mapped_column(
        ForeignKey("stats_rolled_days.day", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(32), primary_key=True)  # NO_OUTCOME: none
    count: Mapped[int] = mapped_column(Integer)


class WaitsOfDay(Base):
    """How many inbound calls of a rolled-up day waited how many whole seconds in the queue:
    the months' and the range's percentiles are computed from these, exactly as from the
    calls themselves."""

    __tablename__ = "stats_wait_days"

    day: Mapped[date] = mapped_column(
        ForeignKey("stats_rolled_days.day", ondelete="CASCADE"), primary_key=True
    )
    wait_seconds: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class WaitsOfMonth(Base):
    """The wait histograms of a month's rolled-up days, summed: a range that covers the whole
    month reads these few hundred rows instead of thirty days' worth (percentiles need the
    whole histogram, and a year's page shows twelve months and the year)."""

    __tablename__ = "stats_wait_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    wait_seconds: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
