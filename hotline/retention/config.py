"""The `[retention]` section of HOTLINE_CONFIG.

[retention]
contact_days = 30          # callers' numbers and e-mail addresses, counted from their last use
closed_case_days = 365     # a closed case is anonymised this long after it was closed
webhook_log_days = 30      # Twilio deliveries kept to answer repeats and to look into faults
run_every_minutes = 60     # how often the scheduler's sweep runs
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.sections import known_items


class RetentionConfigError(ValueError):
    """The `[retention]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class RetentionConfig:
    contact_days: int = 30
    closed_case_days: int = 365
    webhook_log_days: int = 30
    run_every_minutes: int = 60

    @property
    def contact_period(self) -> timedelta:
        return timedelta(days=self.contact_days)

    @property
    def closed_case_period(self) -> timedelta:
        return timedelta(days=self.closed_case_days)

    @property
    def webhook_log_period(self) -> timedelta:
        return timedelta(days=self.webhook_log_days)

    @property
    def run_every(self) -> timedelta:
        return timedelta(minutes=self.run_every_minutes)


def parse_retention_config(section: Mapping[str, Any]) -> RetentionConfig:
    """Every key a whole number >= 1: a period of 0 would delete data while it is in use."""
    values: dict[str, int] = {}
    for key, value, _ in known_items(section, "retention", RetentionConfig, RetentionConfigError):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            unit = "minutes" if key == "run_every_minutes" else "days"
            raise RetentionConfigError(f"retention.{key}: a whole number of {unit} >= 1")
        values[key] = value
    return RetentionConfig(**values)
