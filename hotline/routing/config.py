"""The `[routing]` section of HOTLINE_CONFIG: how callers wait and counsellors are rung.

[routing]
strategy = "ring_all"            # or "longest_idle": one at a time, the longest idle first
ring_seconds = 30                # how long a counsellor's phone rings
next_after_seconds = 20          # longest_idle: ring the next one after this
other_language_after_seconds = 15  # counsellors without the caller's language: this later
max_wait_seconds = 180           # then the caller leaves the queue and hears the offer
message_every_seconds = 15       # position message, then hold audio or silence
callback_offer_every_seconds = 45
hold_music_url = ""              # calm audio between messages; "" = silence
max_passes_in_a_row = 3          # then the counsellor is taken off duty
wrap_up_seconds = 60             # after a call, before the next offer (0: none)
repass_after_seconds = 60        # a caller let pass is offered to that counsellor again after this
service_level_seconds = 60       # statistics: the share of callers answered within this
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hotline.sections import known_items

STRATEGIES = ("ring_all", "longest_idle")


class RoutingConfigError(ValueError):
    """The `[routing]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class RoutingConfig:
    strategy: str = "ring_all"
    ring_seconds: int = 30
    next_after_seconds: int = 20
    other_language_after_seconds: int = 15
    max_wait_seconds: int = 180
    message_every_seconds: int = 15
    callback_offer_every_seconds: int = 45
    hold_music_url: str = ""
    max_passes_in_a_row: int = 3
    wrap_up_seconds: int = 60
    repass_after_seconds: int = 60
    service_level_seconds: int = 60


def parse_routing_config(section: Mapping[str, Any]) -> RoutingConfig:
    values: dict[str, Any] = {}
    for key, value, _ in known_items(section, "routing", RoutingConfig, RoutingConfigError):
        values[key] = _checked(key, value)
    return RoutingConfig(**values)


def _checked(key: str, value: Any) -> Any:
    if key == "strategy":
        if value not in STRATEGIES:
            raise RoutingConfigError(f"routing.strategy: one of {', '.join(STRATEGIES)}")
        return value
    if key == "hold_music_url":
        if not isinstance(value, str) or (
            value and urlsplit(value).scheme not in ("http", "https")
        ):
            raise RoutingConfigError('routing.hold_music_url: an http(s) URL, or "" for silence')
        return value
    if key == "wrap_up_seconds":  # 0 switches wrap-up off
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3600:
            raise RoutingConfigError("routing.wrap_up_seconds: a whole number from 0 to 3600")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RoutingConfigError(f"routing.{key}: must be a positive whole number")
    return value
