"""Times read to a caller, carried in the next step's URL (minutes since the epoch): what the
caller heard is what the keys mean, even if other times have freed up since."""

from __future__ import annotations

from datetime import UTC, datetime

MOST = 9  # one key each


def encoded(starts: list[datetime]) -> str:
    return ".".join(str(int(start.timestamp() // 60)) for start in starts)


def decoded(raw: str) -> list[datetime]:
    starts = []
    for part in raw.split(".")[:MOST]:
        if part.isascii() and part.isdigit() and len(part) <= 10:
            starts.append(datetime.fromtimestamp(int(part) * 60, UTC))
    return starts


def by_key(pressed: str, offered: list[datetime]) -> datetime | None:
    """The time of key 1, 2, ... (None for any other key)."""
    if not pressed.isascii() or not pressed.isdigit() or not 1 <= int(pressed) <= len(offered):
        return None
    return offered[int(pressed) - 1]
