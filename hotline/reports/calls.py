"""Inbound calls per local day and outcome, counted by the database: what the statistics show
for days not rolled up yet, and what the rollup keeps of the days it sums up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from hotline.reports.local_days import LocalDays
from hotline.telephony.models import Call, CallDirection

CallCount = tuple[date, str | None, int]  # the day, the outcome as recorded (None: none), calls


def calls_by_outcome(session: Session, days: LocalDays) -> list[CallCount]:
    """Inbound calls that started in the range, per local day and outcome as recorded."""
    day = days.number(Call.started_at).label("day")
    rows = session.execute(
        select(day, Call.outcome, func.count())
        .where(*_inbound_between(days))
        .group_by(day, Call.outcome)
    )
    return [(days.day_of(number), outcome, count) for number, outcome, count in rows]


def outcomes_between(session: Session, days: LocalDays) -> dict[str | None, int]:
    """Inbound calls that started in the range, per outcome as recorded, without the day:
    the metrics' figure for today, read on every scrape, need not compute each call's local
    day (on SQLite, arithmetic per row that costs more than the count)."""
    rows = session.execute(
        select(Call.outcome, func.count()).where(*_inbound_between(days)).group_by(Call.outcome)
    )
    return {outcome: count for outcome, count in rows}


def _inbound_between(days: LocalDays) -> tuple[ColumnElement[bool], ...]:
    """Inbound calls that started in the range (read by the index on `started_at`)."""
    return (
        Call.direction == CallDirection.INBOUND,
        Call.started_at >= days.start,
        Call.started_at < days.end,
    )
