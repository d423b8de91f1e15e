"""The one clock of the service: aware UTC datetimes, replaceable in tests and the simulator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol, TypeVar

_Day = TypeVar("_Day", bound=date)  # a date or a datetime


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Stands still until moved; for tests."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def require_aware(at: datetime) -> datetime:
    """Refuse naive datetimes: a naive time in this service is always a bug."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: give a time zone")
    return at


def as_utc(at: datetime) -> datetime:
    """The same moment in UTC; naive datetimes are refused."""
    return require_aware(at).astimezone(UTC)


def years_later(at: _Day, years: int) -> _Day:
    """The same day (and time) `years` later, for bounds such as "at most a year ahead";
    29 February becomes the 28th in a year without it."""
    try:
        return at.replace(year=at.year + years)
    except ValueError:
        return at.replace(year=at.year + years, day=28)
