"""Local days of UTC timestamps, computed by the database.

Statistics count per day as the team lives it (Europe/Berlin), while every timestamp is
stored in UTC. The day is a whole number the database works out cheaply on both PostgreSQL
and SQLite: the seconds since 1970, plus the zone's offset at that moment, divided by
86,400. The offsets come from zoneinfo for just the range asked about (one segment per
stretch between changes to and from summer time), so a call at 23:30 UTC in winter counts
on the next Berlin day, and the day of the change has its 23 or 25 hours. Converting every
row with PostgreSQL's `timezone()` gives the same days, but costs a quarter more on a year
of calls, and SQLite has no time zones at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, literal

from hotline.database_kinds import DatabaseKind

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400


class LocalDays:
    """The local days first_day..last_day: their UTC bounds [start, end), and the day and
    month number of a timestamp within them, computed by the database."""

    def __init__(self, kind: DatabaseKind, tz: ZoneInfo, first_day: date, last_day: date) -> None:
        self.kind = kind  # of the database that computes them
        self.tz = tz
        self.start, self.end = utc_bounds(first_day, last_day, tz)
        self.months = months_between(first_day, last_day)
        self._segments = offset_segments(self.start, self.end, tz)
        self._month_ends = [
            datetime.combine(month, time(0), tz).astimezone(UTC) for month in self.months[1:]
        ]

    def number(self, column: Any) -> ColumnElement[int]:
        """Days since 1970-01-01 in local time, for GROUP BY (valid for [start, end))."""
        return self.local_seconds(column) // SECONDS_PER_DAY

    def local_seconds(self, column: Any) -> ColumnElement[int]:
        """Seconds since 1970-01-01 00:00 local time (valid for [start, end)): the weekday
        and the hour of the day follow from it."""
        *changing, (_, last_offset) = self._segments
        offset = (
            case(*((column < until, seconds) for until, seconds in changing), else_=last_offset)
            if changing
            else literal(last_offset)
        )
        return self.kind.epoch_seconds(column) + offset

    def month_number(self, column: Any) -> ColumnElement[int]:
        """The index in `months` of the local month, for GROUP BY (valid for [start, end))."""
        if not self._month_ends:
            return literal(0)
        return case(
            *((column < end, index) for index, end in enumerate(self._month_ends)),
            else_=len(self._month_ends),
        )

    @staticmethod
    def day_of(number: int) -> date:
        return EPOCH + timedelta(days=int(number))


def offset_segments(start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """The zone's UTC offset in seconds over [start, end) as (until, offset) pieces in time
    order; the last piece runs to `end`."""
    segments: list[tuple[datetime, int]] = []
    at, offset = start, _offset(start, tz)
    while at < end:
        step = min(at + timedelta(days=1), end)
        if _offset(step, tz) != offset:
            change = _change_between(at, step, offset, tz)
            segments.append((change, offset))
            at, offset = change, _offset(change, tz)
        else:
            at = step
    segments.append((end, offset))
    return segments


def _offset(at: datetime, tz: ZoneInfo) -> int:
    shift = at.astimezone(tz).utcoffset()
    assert shift is not None  # a ZoneInfo always has one
    return int(shift.total_seconds())


def _change_between(before: datetime, after: datetime, offset: int, tz: ZoneInfo) -> datetime:
    """The first whole second after `before` (offset `offset`) with another offset."""
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(datetime.fromtimestamp(middle, UTC), tz) == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def utc_bounds(first_day: date, last_day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local days first_day..last_day, for an indexed range scan."""
    start = datetime.combine(first_day, time(0), tz).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


def months_between(first_day: date, last_day: date) -> list[date]:
    """The first days of the months of first_day..last_day."""
    months = [first_day.replace(day=1)]
    while (following := (months[-1] + timedelta(days=31)).replace(day=1)) <= last_day:
        months.append(following)
    return months


def days_between(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def stretches(days: Iterable[date], longest: int | None = None) -> list[tuple[date, date]]:
    """Days (in order, no repeats) as the stretches of consecutive days they make, each as
    (first, last) and at most `longest` days long: a range of local days is what the queries
    on timestamps can select by index."""
    found: list[tuple[date, date]] = []
    for day in days:
        if found:
            first, last = found[-1]
            if day == last + timedelta(days=1) and (
                longest is None or (day - first).days < longest
            ):
                found[-1] = (first, day)
                continue
        found.append((day, day))
    return found
