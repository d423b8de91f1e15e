"""Moments in the hotline's own time zone, as tests name them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    """`berlin(2026, 11, 26, 10)`: an aware datetime in Berlin time."""
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]
