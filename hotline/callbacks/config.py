"""The `[callbacks]` section of HOTLINE_CONFIG.

[callbacks]
slot_minutes = 15                 # length of a callback slot
max_per_slot = 0                  # a cap on callbacks per slot; 0 = as many as counsellors
offered_slots = 3                 # free slots read to the caller
min_notice_minutes = 10           # the first slot offered starts at least this much later
horizon_days = 14                 # how far ahead slots are looked for
counsellor_retry_minutes = 5      # nobody free to take a due callback: look again then
caller_retry_minutes = 15         # the caller was not reached: the next attempt then
max_attempts = 3                  # attempts to reach the caller before it fails
give_up_after_minutes = 120       # an attempt no counsellor takes: failed, follow-up after this
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.sections import known_items


class CallbacksConfigError(ValueError):
    """The `[callbacks]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class CallbacksConfig:
    slot_minutes: int = 15
    max_per_slot: int = 0
    offered_slots: int = 3
    min_notice_minutes: int = 10
    horizon_days: int = 14
    counsellor_retry_minutes: int = 5
    caller_retry_minutes: int = 15
    max_attempts: int = 3
    give_up_after_minutes: int = 120

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)


def parse_callbacks_config(section: Mapping[str, Any]) -> CallbacksConfig:
    values: dict[str, Any] = {}
    for key, value, _ in known_items(section, "callbacks", CallbacksConfig, CallbacksConfigError):
        smallest = 0 if key == "max_per_slot" else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
            raise CallbacksConfigError(f"callbacks.{key}: a whole number >= {smallest}")
        values[key] = value
    config = CallbacksConfig(**values)
    if 60 % config.slot_minutes and config.slot_minutes % 60:
        raise CallbacksConfigError("callbacks.slot_minutes: must divide an hour (5, 10, 15, 30)")
    return config
