"""Reading times typed by staff on the command line ("2026-12-24 10:00" means Berlin time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def parse_local_datetime(text: str, tz: ZoneInfo = BERLIN) -> datetime:
    """ISO 8601; without an offset the time is local to `tz`. ValueError with a hint otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date and time; write e.g. 2026-12-24T10:00 or '2026-12-24 10:00'"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
