"""The figures whose truth is the database, read when Prometheus scrapes (a custom
collector): nothing here is kept in a worker's memory, so every web node reports the same.

Every query is a short read over an index: the line and the counsellors (small), today's
inbound calls (by `started_at`), the open outbox rows (by state and due time; done and
cancelled rows grow for ever and are not counted, the scheduler's counters say how much was
done), the scheduler nodes. When the database does not answer, only `hotline_database_up 0`
is reported.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.database_kinds import kind_of
from hotline.outbox.models import WorkItem, WorkState
from hotline.reports.calls import outcomes_between
from hotline.reports.local_days import LocalDays
from hotline.reports.service_level import service_totals
from hotline.routing.live import line_now
from hotline.routing.states import CounsellorState
from hotline.scheduler.models import SchedulerNode
from hotline.telephony.models import CallOutcome
from scheduling.unit import Unit, Units

log = logging.getLogger(__name__)
OPEN_WORK_STATES = (WorkState.PENDING, WorkState.RUNNING, WorkState.FAILED, WorkState.DEAD)
DUE_STATES = (WorkState.PENDING, WorkState.FAILED)  # waiting to be claimed
NO_OUTCOME = "none"  # a call still running


class DatabaseFigures(Collector):
    """Gauges computed from the database at scrape time."""

    def __init__(self, units: Units, work_kinds: tuple[str, ...]) -> None:
        self._units = units
        self._work_kinds = work_kinds

    def collect(self) -> Iterator[Metric]:
        try:
            with self._units.database.reading() as session:
                figures = list(self._figures(self._units.within(session)))
        except Exception:  # the scrape must still answer: that is the alert
            log.exception("metrics: the database did not answer")
            yield _gauge("hotline_database_up", "1 when the database answered this scrape", 0)
            return
        yield _gauge("hotline_database_up", "1 when the database answered this scrape", 1)
        yield from figures

    def _figures(self, unit: Unit) -> Iterator[Metric]:
        session, now = unit.session, unit.now
        yield _gauge(
            "hotline_line_open",
            "1 while the line is open (opening hours and overrides)",
            int(unit.is_open()),
        )
        yield from _line(session, now)
        yield from _today(unit)
        yield from self._work(session, now)
        yield from _scheduler(session, now)

    def _work(self, session: Session, now: datetime) -> Iterator[Metric]:
        rows = GaugeMetricFamily(
            "hotline_work_rows",
            "Open outbox rows by kind and state (pending, running, failed, dead)",
            labels=["kind", "state"],
        )
        counted = Counter(
            {
                (kind, state): count
                for kind, state, count in session.execute(
                    select(WorkItem.kind, WorkItem.state, func.count())
                    .where(WorkItem.state.in_(OPEN_WORK_STATES))
                    .group_by(WorkItem.kind, WorkItem.state)
                )
            }
        )
        kinds = sorted(set(self._work_kinds) | {kind for kind, _ in counted})
        for kind in kinds:
            for state in OPEN_WORK_STATES:
                rows.add_metric([kind, state.value], counted[(kind, state.value)])
        yield rows
        oldest = session.scalar(
            select(func.min(WorkItem.due_at)).where(
                WorkItem.state.in_(DUE_STATES), WorkItem.due_at <= now
            )
        )
        yield _gauge(
            "hotline_work_oldest_due_age_seconds",
            "How long the oldest due outbox row has waited to be done (0: nothing due)",
            _seconds(now, oldest),
        )


def _line(session: Session, now: datetime) -> Iterator[Metric]:
    line = line_now(session, now)
    waiting = GaugeMetricFamily(
        "hotline_line_waiting",
        "Waiting in the line: callers and callbacks keeping their place",
        labels=["kind"],
    )
    kinds = Counter(entry.kind for entry in line.waiting)
    for kind in ("caller", "callback"):
        waiting.add_metric([kind], kinds[kind])
    yield waiting
    yield _gauge(
        "hotline_line_longest_wait_seconds",
        "How long the first in line has waited (0: nobody waits)",
        max((entry.waited_seconds for entry in line.waiting), default=0),
    )
    counsellors = GaugeMetricFamily(
        "hotline_counsellors",
        "Counsellors by state (free, ringing, talking, wrap_up, in_appointment, off_duty)",
        labels=["state"],
    )
    states = Counter(counsellor.state for counsellor in line.counsellors)
    for state in CounsellorState:
        counsellors.add_metric([state.value], states[state])
    yield counsellors


def _today(unit: Unit) -> Iterator[Metric]:
    """Inbound calls of the local day so far, and its service level."""
    session, tz = unit.session, unit.config.hours.timezone
    today = unit.now.astimezone(tz).date()
    calls = GaugeMetricFamily(
        "hotline_calls_today",
        "Inbound calls that started today (local day), by outcome (none: still running)",
        labels=["outcome"],
    )
    days = LocalDays(kind_of(session), tz, today, today)
    outcomes = Counter()
    for outcome, count in outcomes_between(session, days).items():
        outcomes[outcome or NO_OUTCOME] += count
    for outcome in [*(o.value for o in CallOutcome), NO_OUTCOME]:
        calls.add_metric([outcome], outcomes[outcome])
    yield calls
    threshold = unit.config.routing.service_level_seconds
    served = service_totals(session, days, threshold)
    yield _gauge(
        "hotline_callers_waited_today",
        "Callers who waited in the line today and are no longer waiting",
        served.waited,
    )
    level = GaugeMetricFamily(
        "hotline_service_level_ratio",
        "Share of today's callers who waited and were answered within [routing] "
        "service_level_seconds (absent until someone waited)",
        labels=["within_seconds"],
    )
    if served.share_within is not None:
        level.add_metric([str(threshold)], served.share_within)
    yield level


def _scheduler(session: Session, now: datetime) -> Iterator[Metric]:
    nodes = list(session.execute(select(SchedulerNode.active, SchedulerNode.heartbeat_at)))
    active = [heartbeat for is_active, heartbeat in nodes if is_active]
    yield _gauge(
        "hotline_scheduler_active", "Scheduler processes that are active (1 expected)", len(active)
    )
    yield _gauge(
        "hotline_scheduler_standbys",
        "Scheduler processes waiting as standbys",
        len(nodes) - len(active),
    )
    age = GaugeMetricFamily(
        "hotline_scheduler_heartbeat_age_seconds",
        "Seconds since the active scheduler's last heartbeat (absent: no active scheduler)",
    )
    if active:
        age.add_metric([], _seconds(now, max(active)))
    yield age


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _seconds(now: datetime, since: datetime | None) -> float:
    if since is None:
        return 0.0
    return max((now - since).total_seconds(), 0.0)
