"""Periodic jobs of the active scheduler, kept by APScheduler in the service's database.

APScheduler's persistent job store refers to a job's function by its import path, so the
functions here are module-level and find what they need in the context the active process
binds when it starts (`bind`). Fixed ids and `replace_existing` keep one row per job however
often processes start; `coalesce` runs a job once after a pause, not once per missed run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scheduling.scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    dispatcher: Dispatcher


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    function: str  # import path, as the job store keeps it
    seconds: float


_context: JobContext | None = None


def bind(context: JobContext | None) -> None:
    """Called by the process that becomes active (and with None when it stops being so)."""
    global _context
    _context = context


def recover_stale_work() -> None:
    """Rows whose scheduler died mid-attempt: finish or retry them once their lease is over."""
    if _context is None:
        log.warning("periodic job ran without an active scheduler context")
        return
    _context.dispatcher.recover()


def periodic_jobs(lease_seconds: float) -> tuple[PeriodicJob, ...]:
    """The jobs every active scheduler keeps (later issues add retention and reminders)."""
    return (
        PeriodicJob(
            "recover-stale-work",
            "scheduling.scheduler.jobs:recover_stale_work",
            seconds=max(1.0, min(30.0, lease_seconds / 4)),
        ),
    )
