"""How long callers waited in the queue: the median and the 90th percentile per local day,
per month and over the whole range.

A wait runs from joining the queue to a counsellor taking the call (`connected_at`) or the
caller leaving the queue (`queue_left_at`), in whole seconds. Percentiles cannot be added up
from smaller periods, so each period is computed from its calls. PostgreSQL does it itself
(`percentile_cont` with ROLLUP: the days, the months and the range in one sort); SQLite has
no percentiles, so it hands over how many calls waited how many seconds per day, and the
same interpolation is done here: both give the same figures. The daily rollup keeps those
histograms of finished days (`rollup`); a range that has rolled-up days is computed here from
theirs and the live days' histograms alike (`combined`), on either database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from math import floor
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from hotline.database_kinds import DatabaseKind
from hotline.reports.local_days import LocalDays
from hotline.telephony.models import Call, CallDirection

MEDIAN, P90 = 0.5, 0.9


@dataclass(frozen=True)
class WaitTimes:
    """Of the calls that waited in the queue: how many, and their median and 90th
    percentile wait in seconds (None when none waited)."""

    calls: int
    median_seconds: float | None
    p90_seconds: float | None


NO_WAITS = WaitTimes(0, None, None)


@dataclass(frozen=True)
class WaitsOnDay:
    day: date
    waits: WaitTimes


@dataclass(frozen=True)
class WaitsInMonth:
    month: date  # its first day (the range may start later in the month)
    waits: WaitTimes


@dataclass(frozen=True)
class Waits:
    by_day: dict[date, WaitTimes]  # days nobody waited are left out
    by_month: dict[date, WaitTimes]  # likewise, keyed by the month's first day
    overall: WaitTimes


def wait_times(session: Session, days: LocalDays) -> Waits:
    """The waits of inbound calls that started in the range: by the database where it
    computes percentiles, else here from its counts."""
    percentiles = days.kind.percentiles((MEDIAN, P90), wait_seconds_of(days.kind))
    if percentiles is None:
        return _computed_here(session, days)
    return _computed_by_the_database(session, days, percentiles)


def _waited(days: LocalDays) -> list[ColumnElement[bool]]:
    return [
        Call.direction == CallDirection.INBOUND,
        Call.started_at >= days.start,
        Call.started_at < days.end,
        Call.queued_at.is_not(None),
        func.coalesce(Call.connected_at, Call.queue_left_at).is_not(None),
    ]


def wait_seconds_of(kind: DatabaseKind) -> ColumnElement[Any]:
    """Whole seconds waited, cut off as a stopwatch would (59.9 s is 59 s), exactly alike on
    both databases: percentiles of the same calls must not differ by where they are kept."""
    left = func.coalesce(Call.connected_at, Call.queue_left_at)
    return kind.whole_seconds_between(left, Call.queued_at)


def _computed_by_the_database(
    session: Session, days: LocalDays, percentiles: ColumnElement[Any]
) -> Waits:
    """`percentiles` of the waits with ROLLUP (which a database that has percentiles has
    too): the days, the months and the range in one sort."""
    month = days.month_number(Call.started_at).label("month")
    day = days.number(Call.started_at).label("day")
    rows = session.execute(
        select(month, day, func.count(), percentiles)
        .where(*_waited(days))
        # one sort for all three: (month, day) is a day, (month) a month, () the range
        .group_by(func.rollup(month, day))
    )
    by_day: dict[date, WaitTimes] = {}
    by_month: dict[date, WaitTimes] = {}
    overall = NO_WAITS
    for month_number, day_number, calls, values in rows:
        figures = WaitTimes(calls, *(values or (None, None)))  # no values: nobody waited
        if day_number is not None:
            by_day[days.day_of(day_number)] = figures
        elif month_number is not None:
            by_month[days.months[month_number]] = figures
        elif calls:
            overall = figures
    return Waits(by_day, by_month, overall)


def _computed_here(session: Session, days: LocalDays) -> Waits:
    return combined({}, {}, wait_histograms(session, days))


def wait_histograms(session: Session, days: LocalDays) -> dict[date, Counter[int]]:
    """Per day of the range: how many inbound calls waited how many whole seconds (days
    nobody waited are left out)."""
    day = days.number(Call.started_at).label("day")
    seconds = wait_seconds_of(days.kind).label("seconds")
    rows = session.execute(
        select(day, seconds, func.count()).where(*_waited(days)).group_by(day, seconds)
    )
    by_day: defaultdict[date, Counter[int]] = defaultdict(Counter)
    for number, wait, calls in rows:
        by_day[days.day_of(number)][int(wait)] += calls
    return dict(by_day)


def combined(
    rolled_days: Mapping[date, WaitTimes],
    rolled_months: Mapping[date, Mapping[int, int]],
    live_days: Mapping[date, Mapping[int, int]],
) -> Waits:
    """The waits of a range from the rolled-up days' figures and their histograms summed per
    month, and the histograms of the days counted live (no day in both): each month's and
    the range's percentiles from all their calls, as if every day had been counted live."""
    by_month: dict[date, Counter[int]] = {
        month: Counter(histogram) for month, histogram in rolled_months.items()
    }
    for day_, histogram in live_days.items():
        by_month.setdefault(day_.replace(day=1), Counter()).update(histogram)
    overall: Counter[int] = Counter()
    for histogram in by_month.values():
        overall.update(histogram)
    by_day = {day_: figures for day_, figures in rolled_days.items() if figures.calls}
    by_day.update((day_, waits_of(histogram)) for day_, histogram in live_days.items())
    return Waits(
        by_day,
        {month: waits_of(histogram) for month, histogram in by_month.items()},
        waits_of(overall),
    )


def waits_of(histogram: Mapping[int, int]) -> WaitTimes:
    """How many waited, and the median and 90th percentile of how long."""
    calls = sum(histogram.values())
    if not calls:
        return NO_WAITS
    return WaitTimes(calls, percentile(histogram, MEDIAN), percentile(histogram, P90))


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """As PostgreSQL's percentile_cont, of values given as {value: how often}: the value at
    rank fraction * (n - 1), interpolated linearly between the two nearest ranks."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    lower_rank = floor(position)
    lower = upper = None
    seen = 0
    for value, count in sorted(histogram.items()):
        seen += count
        if lower is None and lower_rank < seen:
            lower = value
        if lower_rank + 1 < seen:
            upper = value
            break
    assert lower is not None
    if upper is None:  # the lower rank is the last one
        upper = lower
    return lower + (position - lower_rank) * (upper - lower)
