"""The one clock of the service: aware UTC datetimes, replaceable in tests and the simulator."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


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


class ShiftedClock:
    """Starts at a chosen moment and then runs with real time; for `hotline simulate --at`."""

    def __init__(self, start: datetime) -> None:
        self._start = as_utc(start)
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)


def require_aware(at: datetime) -> datetime:
    """Refuse naive datetimes: a naive time in this service is always a bug."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: give a time zone")
    return at


def as_utc(at: datetime) -> datetime:
    """The same moment in UTC; naive datetimes are refused."""
    return require_aware(at).astimezone(UTC)


def parse_local_datetime(text: str, tz: tzinfo) -> datetime:
    """ISO 8601 as staff type it; without an offset the time is local to `tz` (the hotline's
    configured zone). ValueError with a hint otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date and time; write e.g. 2026-12-24T10:00 or '2026-12-24 10:00'"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
