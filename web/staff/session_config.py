"""The `[console]` section of HOTLINE_CONFIG: how long a console session lasts.

[console]
idle_minutes = 30     # a session without a request for this long ends
session_hours = 12    # and every session ends this long after its login, however busy
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.config import ConfigError
from hotline.sections import known_items
from hotline.staff.sessions import (
    DEFAULT_IDLE,
    DEFAULT_LIFETIME,
    LONGEST_LIFETIME,
    SessionLimits,
)


@dataclass(frozen=True)
class ConsoleConfig:
    idle_minutes: int = int(DEFAULT_IDLE.total_seconds() // 60)
    session_hours: int = int(DEFAULT_LIFETIME.total_seconds() // 3600)

    @property
    def session_limits(self) -> SessionLimits:
        return SessionLimits(
            idle=timedelta(minutes=self.idle_minutes), lifetime=timedelta(hours=self.session_hours)
        )


_BOUNDS = {
    "idle_minutes": (1, 24 * 60),
    "session_hours": (1, int(LONGEST_LIFETIME.total_seconds() // 3600)),
}


def parse_console_config(section: Any) -> ConsoleConfig:
    """Whole numbers within sane bounds: a session for ever is what this is here to prevent."""
    values: dict[str, int] = {}
    for key, value, _ in known_items(section, "console", ConsoleConfig, ConfigError):
        low, high = _BOUNDS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"HOTLINE_CONFIG: console.{key}: a whole number from {low} to {high}")
        values[key] = value
    return ConsoleConfig(**values)
