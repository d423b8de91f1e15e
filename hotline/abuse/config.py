"""The `[abuse]` section of HOTLINE_CONFIG: limits against blocking, floods and booking abuse.

[abuse]
calls_per_hour = 6               # more calls than this from one number within an hour: refused
block_days = 30                  # how long a block lasts unless staff say otherwise
max_block_days = 365             # the longest block staff may set
open_bookings_per_address = 2    # future appointments and callbacks per e-mail address / number
flood_window_minutes = 10        # the calls the flood thresholds look at
flood_min_calls = 20             # fewer calls than this in the window are never a flood
flood_withheld_share = 0.6       # share of withheld or new numbers above which it is a flood
flood_line_length = 15           # callers waiting in line above which it is a flood
flood_calm_minutes = 30          # flood mode switched on by the thresholds ends after this calm
new_number_days = 90             # a number not seen in these days counts as new
challenge_digits = 3             # how many digits a caller types in flood mode
burst_minutes = 60               # bookings made within this long count as one burst
burst_share = 0.5                # a burst booking more of a week's times holds bookings
confirm_hours = 24               # a held booking not confirmed by e-mail link in this is dropped
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.sections import known_items


class AbuseConfigError(ValueError):
    """The `[abuse]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class AbuseConfig:
    calls_per_hour: int = 6
    block_days: int = 30
    max_block_days: int = 365
    open_bookings_per_address: int = 2
    flood_window_minutes: int = 10
    flood_min_calls: int = 20
    flood_withheld_share: float = 0.6
    flood_line_length: int = 15
    flood_calm_minutes: int = 30
    new_number_days: int = 90
    challenge_digits: int = 3
    burst_minutes: int = 60
    burst_share: float = 0.5
    confirm_hours: int = 24

    @property
    def flood_window(self) -> timedelta:
        return timedelta(minutes=self.flood_window_minutes)

    @property
    def flood_calm(self) -> timedelta:
        return timedelta(minutes=self.flood_calm_minutes)

    @property
    def burst_window(self) -> timedelta:
        return timedelta(minutes=self.burst_minutes)

    @property
    def confirm_within(self) -> timedelta:
        return timedelta(hours=self.confirm_hours)

    @property
    def new_number_period(self) -> timedelta:
        return timedelta(days=self.new_number_days)


_RANGES = {
    "calls_per_hour": (1, 1000),
    "block_days": (1, 365),
    "max_block_days": (1, 365),
    "open_bookings_per_address": (1, 100),
    "flood_window_minutes": (1, 240),
    "flood_min_calls": (1, 100_000),
    "flood_line_length": (1, 10_000),
    "flood_calm_minutes": (1, 24 * 60),
    "new_number_days": (1, 3650),
    "challenge_digits": (2, 8),
    "burst_minutes": (1, 7 * 24 * 60),
    "confirm_hours": (1, 168),
}


def parse_abuse_config(section: Mapping[str, Any]) -> AbuseConfig:
    values: dict[str, Any] = {}
    for key, value, _ in known_items(section, "abuse", AbuseConfig, AbuseConfigError):
        values[key] = _checked(key, value)
    config = AbuseConfig(**values)
    if config.block_days > config.max_block_days:
        raise AbuseConfigError("abuse.block_days: at most abuse.max_block_days")
    return config


def _checked(key: str, value: Any) -> Any:
    if key in ("flood_withheld_share", "burst_share"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise AbuseConfigError(f"abuse.{key}: a share above 0, at most 1")
        return float(value)
    low, high = _RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AbuseConfigError(f"abuse.{key}: a whole number from {low} to {high}")
    return value
