"""When the hotline's phone line is open, and if not, why not and when it opens next.

The effective open windows are the weekly windows of every local day that is neither a public
holiday (nationwide plus the configured Land) nor a configured closure, minus the intervals of
closed overrides, plus the intervals of open overrides (staff set both from the CLI). So an open
override wins where it overlaps a closed one. Windows are half-open: open at 15:59:59, closed
at 16:00:00.

Local times are made aware with the config's ZoneInfo day by day, so 09:00 stays 09:00 local
on the days the clocks change. All arithmetic happens in UTC, because Python compares two
datetimes that share a tzinfo object by wall time, which is wrong across a DST change.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType

import holidays

from hotline.clock import require_aware
from hotline.hours.config import HoursConfig

_ONE_DAY = timedelta(days=1)
HORIZON_DAYS = 370  # how far ahead next_opening looks before it gives up
_SEARCH_SPANS = (0, 7, 31, HORIZON_DAYS)  # widen step by step: most answers lie within a week

Interval = tuple[datetime, datetime]  # [start, end) in UTC


class ClosedReason(StrEnum):
    OVERRIDE = "override"
    HOLIDAY = "holiday"
    CLOSURE = "closure"
    WEEKEND = "weekend"
    OUTSIDE_HOURS = "outside_hours"


@dataclass(frozen=True)
class HoursOverride:
    """A one-off change set by staff: extra hours (is_open) or a closed slot (team meeting).
    The note is for colleagues only; the announcement, if any, is what callers hear."""

    is_open: bool
    starts_at: datetime
    ends_at: datetime
    note: str
    announcement: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.starts_at)
        require_aware(self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError(f"override {self.note!r} ends before it starts")


@dataclass(frozen=True)
class HoursStatus:
    """The answer to "is the line open at this moment?", with what a caller needs to hear."""

    at: datetime
    is_open: bool
    reason: ClosedReason | None  # None when open
    reason_name: str | None  # what callers hear: holiday or closure name, override announcement
    closes_at: datetime | None  # when open: end of the current window, config timezone
    next_opening: datetime | None  # when closed: start of the next window; None beyond horizon
    override_note: str | None = None  # the closing override's note, for staff: never spoken

    @property
    def until_next_opening(self) -> timedelta | None:
        """The real time until the next opening: a weekend across a change of the clocks is
        an hour shorter or longer than its wall-clock hours (in UTC: see the module docstring)."""
        if self.next_opening is None:
            return None
        return self.next_opening.astimezone(UTC) - self.at.astimezone(UTC)


@functools.lru_cache(maxsize=256)
def _holidays_for(region: str | None, year: int) -> Mapping[date, str]:
    """Shared by all instances: OpeningHours is cheap to build per request, the holidays are not."""
    names = holidays.Germany(subdiv=region, years=year, language="de")
    return MappingProxyType(dict(names))


class OpeningHours:
    """Opening-hours questions for one configuration and a fixed set of overrides."""

    def __init__(self, config: HoursConfig, overrides: Sequence[HoursOverride] = ()) -> None:
        self._config = config
        self._tz = config.timezone
        self._closed = [(_override_interval(o), o) for o in overrides if not o.is_open]
        self._opened = [_override_interval(o) for o in overrides if o.is_open]

    @property
    def timezone(self) -> tzinfo:
        """The hotline's local time zone (the configuration's)."""
        return self._tz

    def status_at(self, at: datetime) -> HoursStatus:
        at_utc = require_aware(at).astimezone(UTC)
        day = at_utc.astimezone(self._tz).date()
        window = self._window_containing(at_utc, day)
        if window is not None:
            closes_at = window[1].astimezone(self._tz)
            return HoursStatus(at, True, None, None, closes_at=closes_at, next_opening=None)
        closing = self._closing_override(at_utc)
        if closing is not None:
            reason, name = ClosedReason.OVERRIDE, closing.announcement
        else:
            reason, name = self._closed_reason(day)
        return HoursStatus(
            at,
            False,
            reason,
            name,
            closes_at=None,
            next_opening=self._next_start_after(at_utc, day),
            override_note=closing.note if closing is not None else None,
        )

    def is_open(self, at: datetime) -> bool:
        at_utc = require_aware(at).astimezone(UTC)
        return self._is_open_utc(at_utc, at_utc.astimezone(self._tz).date())

    def next_opening(self, at: datetime) -> datetime | None:
        """Start of the first window after `at`; None while the line is open at `at`."""
        at_utc = require_aware(at).astimezone(UTC)
        day = at_utc.astimezone(self._tz).date()
        if self._is_open_utc(at_utc, day):
            return None
        return self._next_start_after(at_utc, day)

    def holiday_name(self, day: date) -> str | None:
        """The German name of the public holiday on `day` (nationwide or in the Land), if any."""
        return _holidays_for(self._config.holiday_region, day.year).get(day)

    def day_off_name(self, day: date) -> str | None:
        """Why nobody works on `day` at all: a public holiday's or a configured closure's name
        (windows by arrangement are not offered then either), else None."""
        return self.holiday_name(day) or self._closure_name(day)

    def open_windows(self, first_day: date, last_day: date) -> list[tuple[datetime, datetime]]:
        """Effective windows of the local days first_day..last_day, clipped to those days."""
        if first_day > last_day:
            return []
        range_start, range_end = self._day_start(first_day), self._day_start(last_day + _ONE_DAY)
        clipped = (
            (max(start, range_start), min(end, range_end))
            for start, end in self._effective(first_day, last_day)
        )
        return [
            (start.astimezone(self._tz), end.astimezone(self._tz))
            for start, end in clipped
            if start < end
        ]

    def _is_open_utc(self, at_utc: datetime, day: date) -> bool:
        return any(start <= at_utc < end for start, end in self._effective(day, day))

    def _window_containing(self, at_utc: datetime, day: date) -> Interval | None:
        """The full window around `at`, widening the day range while the window runs past it."""
        last_day = day
        while True:
            range_end = self._day_start(last_day + _ONE_DAY)
            window = next(
                ((s, e) for s, e in self._effective(day, last_day) if s <= at_utc < e), None
            )
            if window is None or window[1] < range_end or (last_day - day).days >= HORIZON_DAYS:
                return window
            last_day = max(last_day + _ONE_DAY, window[1].astimezone(self._tz).date())

    def _next_start_after(self, at_utc: datetime, day: date) -> datetime | None:
        for span in _SEARCH_SPANS:
            for start, _end in self._effective(day, day + timedelta(days=span)):
                if start > at_utc:
                    return start.astimezone(self._tz)
        return None

    def _closing_override(self, at_utc: datetime) -> HoursOverride | None:
        return next((o for (start, end), o in self._closed if start <= at_utc < end), None)

    def _closed_reason(self, day: date) -> tuple[ClosedReason, str | None]:
        holiday = self.holiday_name(day)
        if holiday is not None:
            return ClosedReason.HOLIDAY, holiday
        closure = self._closure_name(day)
        if closure is not None:
            return ClosedReason.CLOSURE, closure
        if day.weekday() >= 5 and not self._config.weekly.get(day.weekday()):
            return ClosedReason.WEEKEND, None
        return ClosedReason.OUTSIDE_HOURS, None

    def _closure_name(self, day: date) -> str | None:
        return next((c.name for c in self._config.closures if c.covers(day)), None)

    def _effective(self, first_day: date, last_day: date) -> list[Interval]:
        """Merged windows touching the days first_day..last_day; overrides are not clipped.

        Exact inside the range; a window that runs past the range's end may continue.
        """
        range_start, range_end = self._day_start(first_day), self._day_start(last_day + _ONE_DAY)
        regular: list[Interval] = []
        day = first_day
        while day <= last_day:
            regular.extend(self._regular_windows(day))
            day += _ONE_DAY
        cuts = [(s, e) for (s, e), _override in self._closed if s < range_end and e > range_start]
        extra = [(s, e) for s, e in self._opened if s < range_end and e > range_start]
        return _merge(_subtract(regular, cuts) + extra)

    def _regular_windows(self, day: date) -> list[Interval]:
        windows = self._config.weekly.get(day.weekday())
        if not windows or self.holiday_name(day) is not None or self._closure_name(day):
            return []
        result = []
        for window in windows:
            start = datetime.combine(day, window.opens, tzinfo=self._tz).astimezone(UTC)
            end = datetime.combine(day, window.closes, tzinfo=self._tz).astimezone(UTC)
            if start < end:  # a window inside a DST gap can collapse
                result.append((start, end))
        return result

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self._tz).astimezone(UTC)


def _override_interval(override: HoursOverride) -> Interval:
    return override.starts_at.astimezone(UTC), override.ends_at.astimezone(UTC)


def _subtract(intervals: list[Interval], cuts: list[Interval]) -> list[Interval]:
    for cut_start, cut_end in cuts:
        remaining: list[Interval] = []
        for start, end in intervals:
            if cut_end <= start or cut_start >= end:
                remaining.append((start, end))
                continue
            if start < cut_start:
                remaining.append((start, cut_start))
            if cut_end < end:
                remaining.append((cut_end, end))
        intervals = remaining
    return intervals


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
