"""Periodic jobs of the active scheduler, kept by APScheduler in the service's database.

APScheduler's persistent job store refers to a job's function by its import path, so the
functions here are module-level and find what they need in the context the active process
binds when it starts (`bind`). Fixed ids and `replace_existing` keep one row per job however
often processes start; `coalesce` runs a job once after a pause, not once per missed run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hotline.abuse.bursts import drop_expired_held_bookings
from hotline.abuse.flood import FloodSigns, judge_flood
from hotline.outbox.kinds import WorkTools
from hotline.reports import rollup
from hotline.retention.config import RetentionConfig
from scheduling.retention import sweep
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.unit import Units

log = logging.getLogger(__name__)

# The statistics rollup catches up every quarter of an hour: a day becomes final six hours
# after it ended (`rollup.FINAL_AFTER`), and until it is rolled up the page counts it live.
STATISTICS_ROLLUP_SECONDS = 15 * 60
# The distributor runs with every change and at every moment it knows waiting alone changes
# something; this look at the line is the safety net for what it cannot know (a status
# callback Twilio never sent, a video appointment cancelled while it ran).
LINE_LOOK_SECONDS = 5
# Blocks end at their time whatever this job does (the check compares the time); the job
# drops their hashes and notes the end in the audit log. The flood judge looks at the last
# `[abuse] flood_window_minutes` of calls this often.
BLOCK_EXPIRY_SECONDS = 60
FLOOD_JUDGE_SECONDS = 15


@dataclass(frozen=True)
class JobContext:
    dispatcher: Dispatcher

    @property
    def tools(self) -> WorkTools:
        """The database, clock and settings the dispatcher works with: periodic jobs use the
        same ones, so that a test's clock moves them too."""
        return self.dispatcher.tools


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    function: str  # import path, as the job store keeps it
    seconds: float
    run_at_start: bool = False


_context: JobContext | None = None


def bind(context: JobContext | None) -> None:
    """Called by the process that becomes active (and with None when it stops being so)."""
    global _context
    _context = context


def _active() -> JobContext | None:
    """The bound context; None (said in the log) when a job runs in no active scheduler."""
    if _context is None:
        log.warning("periodic job ran without an active scheduler context")
    return _context


def recover_stale_work() -> None:
    """Rows whose scheduler died mid-attempt: finish or retry them once their lease is over."""
    if context := _active():
        context.dispatcher.recover()


def look_at_the_line() -> int | None:
    """One round of the distributor; how many were rung (logged only when someone was)."""
    if (context := _active()) is None:
        return None
    with Units.of_tools(context.tools).transaction() as unit:
        distributed = unit.distributor.distribute()
    if distributed.rings:
        log.info("the safety net rang counsellors", extra={"rung": len(distributed.rings)})
    return len(distributed.rings)


def expire_blocks() -> int | None:
    """End the blocks whose time is over (`hotline.abuse.blocks`); how many (logged, never
    which)."""
    if (context := _active()) is None:
        return None
    with Units.of_tools(context.tools).transaction() as unit:
        ended = unit.blocks.expire()
    if ended:
        log.info("blocks expired", extra={"blocks": ended})
    return ended


def drop_held_bookings() -> int | None:
    """Held bookings never confirmed in time, and confirmed ones: deleted (their contact
    details with them); how many (logged, never whose)."""
    if (context := _active()) is None:
        return None
    with Units.of_tools(context.tools).transaction() as unit:
        dropped = drop_expired_held_bookings(unit.session, unit.now)
    if dropped:
        log.info("held bookings dropped", extra={"bookings": dropped})
    return dropped


def judge_the_flood() -> FloodSigns | None:
    """Switch flood mode by the configured thresholds (`hotline.abuse.flood`)."""
    if (context := _active()) is None:
        return None
    with Units.of_tools(context.tools).transaction() as unit:
        return judge_flood(unit.session, unit.now, unit.config.abuse)


def sweep_retention() -> sweep.RetentionCounts | None:
    """Delete the personal data whose retention period is over (`scheduling.retention`);
    one log line with the counts, never what was deleted."""
    if (context := _active()) is None:
        return None
    tools = context.tools
    counts = sweep.sweep(
        tools.database, tools.clock.now(), tools.scheduling.retention, tools.cipher
    )
    log.info("retention sweep", extra=counts.as_fields())
    return counts


def roll_up_statistics() -> int | None:
    """Sum up the finished days for the statistics page (`hotline.reports.rollup`), in the
    hotline's time zone; one log line with how many days."""
    if (context := _active()) is None:
        return None
    tools = context.tools
    days = rollup.roll_up(tools.database, tools.clock.now(), tools.scheduling.hours.timezone)
    log.info("statistics rolled up", extra={"days": days})
    return days


def periodic_jobs(
    lease_seconds: float, retention: RetentionConfig | None = None
) -> tuple[PeriodicJob, ...]:
    """The jobs every active scheduler keeps. The sweep runs every `[retention]
    run_every_minutes` and once when a scheduler becomes active: a job store re-added at every
    start would otherwise push it back a whole interval each time, and never run it at all
    under frequent restarts (it is cheap when nothing is due). The statistics rollup likewise,
    every quarter of an hour."""
    retention = retention or RetentionConfig()
    return (
        PeriodicJob(
            "recover-stale-work",
            "scheduling.scheduler.jobs:recover_stale_work",
            seconds=max(1.0, min(30.0, lease_seconds / 4)),
        ),
        PeriodicJob(
            "look-at-the-line",
            "scheduling.scheduler.jobs:look_at_the_line",
            seconds=LINE_LOOK_SECONDS,
        ),
        PeriodicJob(
            "block-expiry",
            "scheduling.scheduler.jobs:expire_blocks",
            seconds=BLOCK_EXPIRY_SECONDS,
            run_at_start=True,
        ),
        PeriodicJob(
            "held-bookings-expiry",
            "scheduling.scheduler.jobs:drop_held_bookings",
            seconds=BLOCK_EXPIRY_SECONDS * 5,
            run_at_start=True,
        ),
        PeriodicJob(
            "flood-judge",
            "scheduling.scheduler.jobs:judge_the_flood",
            seconds=FLOOD_JUDGE_SECONDS,
        ),
        PeriodicJob(
            "retention-sweep",
            "scheduling.scheduler.jobs:sweep_retention",
            seconds=retention.run_every.total_seconds(),
            run_at_start=True,
        ),
        PeriodicJob(
            "statistics-rollup",
            "scheduling.scheduler.jobs:roll_up_statistics",
            seconds=STATISTICS_ROLLUP_SECONDS,
            run_at_start=True,
        ),
    )
