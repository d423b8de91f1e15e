"""The `[scheduler]` section of HOTLINE_CONFIG: how the scheduler process works its queue.

[scheduler]
workers = 8                  # handlers running at once (REST calls and mails wait on I/O)
batch_size = 50              # rows claimed per transaction
lease_seconds = 120          # a claimed row whose process died is retried after this
takeover_seconds = 30        # a standby takes over at most this long after the active died
poll_seconds = 0.25          # SQLite: how often to look for due work (PostgreSQL is woken)
max_attempts = 6             # attempts before a row is dead
retry_base_seconds = 10      # first retry after this, then 3 times longer each time
retry_longest_seconds = 1800
overdue_after_seconds = 60   # /healthz reports work waiting longer than this
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.outbox.queue import RetryPolicy
from hotline.sections import known_items


class SchedulerConfigError(ValueError):
    """The `[scheduler]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class SchedulerConfig:
    workers: int = 8
    batch_size: int = 50
    lease_seconds: float = 120
    takeover_seconds: float = 30
    poll_seconds: float = 0.25
    max_attempts: int = 6
    retry_base_seconds: float = 10
    retry_longest_seconds: float = 1800
    overdue_after_seconds: float = 60

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    @property
    def leadership_lease(self) -> timedelta:
        """The SQLite lease: renewed often enough that a standby polling every
        `standby_poll_seconds` takes over within `takeover_seconds` of a crash."""
        return timedelta(seconds=self.takeover_seconds * 0.8)

    @property
    def heartbeat_seconds(self) -> float:
        return max(self.takeover_seconds * 0.8 / 5, 0.2)

    @property
    def standby_poll_seconds(self) -> float:
        return max(min(2.0, self.takeover_seconds / 10), 0.1)

    @property
    def unreachable_after(self) -> timedelta:
        """A scheduler silent this long has died or lost the database: `takeover_seconds`,
        at least five of the active one's heartbeats and ten of a standby's."""
        return timedelta(seconds=self.takeover_seconds)

    @property
    def forget_node_after(self) -> timedelta:
        """An unreachable scheduler's row is removed this long after its last heartbeat;
        until then `hotline scheduler status` shows it as unreachable since then."""
        return timedelta(seconds=self.takeover_seconds * 10)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            base=timedelta(seconds=self.retry_base_seconds),
            longest=timedelta(seconds=self.retry_longest_seconds),
        )


def parse_scheduler_config(section: Mapping[str, Any]) -> SchedulerConfig:
    values: dict[str, Any] = {}
    for key, value, field in known_items(
        section, "scheduler", SchedulerConfig, SchedulerConfigError
    ):
        wanted = int if field.type in ("int", int) else float
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SchedulerConfigError(f"scheduler.{key}: must be a positive number")
        if wanted is int and not isinstance(value, int):
            raise SchedulerConfigError(f"scheduler.{key}: must be a whole number")
        values[key] = wanted(value)
    return SchedulerConfig(**values)
