"""The work that places a callback: one kind, keyed by callback, attempt and purpose."""

from __future__ import annotations

from datetime import datetime

from hotline.outbox.queue import Work

PLACE_CALLBACK = "place_callback"


def place_callback_work(callback_id: int, attempt: int, due_at: datetime, tag: str = "") -> Work:
    """(An attempt of) a callback, due at its time; the tag tells a retry from the first."""
    key = f"callback:{callback_id}:attempt:{attempt}" + (f":{tag}" if tag else "")
    return Work(PLACE_CALLBACK, key, due_at, {"callback_id": callback_id, "attempt": attempt})
