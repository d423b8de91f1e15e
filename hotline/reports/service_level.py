"""How the line served callers: the service level (the share answered within
`[routing] service_level_seconds`), how many gave up waiting, and the mean and 90th-percentile
wait per hour of the week (when in the week callers wait longest: where more counsellors on
duty would help most).

Counted over the callers who waited in the line in the range (inbound calls with a queue
time), their wait as `hotline.reports.waits` counts it (to a counsellor taking the call, or
to leaving the line). The hour of the week is the local time they joined. The database groups
the waits by weekday, hour and whole seconds (histograms: the same figures on both databases,
and a year of calls is a few thousand rows); the percentiles are interpolated here as
PostgreSQL's `percentile_cont` does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from hotline.database_kinds import kind_of
from hotline.reports.local_days import SECONDS_PER_DAY, LocalDays
from hotline.reports.waits import P90, percentile, wait_seconds_of
from hotline.telephony.models import Call, CallDirection, CallOutcome

EPOCH_WEEKDAY = 3  # 1 January 1970 was a Thursday (Monday = 0)


@dataclass(frozen=True)
class HourOfWeek:
    weekday: int  # Monday = 0
    hour: int
    calls: int
    mean_seconds: float
    p90_seconds: float


@dataclass(frozen=True)
class Totals:
    waited: int  # callers who joined the line
    answered: int  # taken by a counsellor
    answered_within: int  # ... within the threshold
    abandoned: int  # hung up while waiting

    @property
    def share_within(self) -> float | None:
        return self.answered_within / self.waited if self.waited else None

    @property
    def share_abandoned(self) -> float | None:
        return self.abandoned / self.waited if self.waited else None


@dataclass(frozen=True)
class ServiceLevel(Totals):
    threshold_seconds: int
    by_hour: list[HourOfWeek]  # only hours someone waited in, Monday 0:00 first

    def hours(self) -> list[int]:
        return sorted({entry.hour for entry in self.by_hour})

    def at(self, weekday: int, hour: int) -> HourOfWeek | None:
        return next((e for e in self.by_hour if e.weekday == weekday and e.hour == hour), None)


def service_level(
    session: Session, first_day: date, last_day: date, tz: ZoneInfo, threshold_seconds: int
) -> ServiceLevel:
    kind = kind_of(session)
    days = LocalDays(kind, tz, first_day, last_day)
    waited = _waited(days)
    wait = wait_seconds_of(kind)
    totals = service_totals(session, days, threshold_seconds)
    local = days.local_seconds(Call.queued_at)
    weekday = cast((local // SECONDS_PER_DAY + EPOCH_WEEKDAY) % 7, Integer).label("weekday")
    hour = cast((local % SECONDS_PER_DAY) // 3600, Integer).label("hour")
    seconds = wait.label("seconds")
    histograms: dict[tuple[int, int], Counter[int]] = {}
    for day_of_week, hour_of_day, waited_seconds, calls in session.execute(
        select(weekday, hour, seconds, func.count()).where(*waited).group_by(weekday, hour, seconds)
    ):
        key = (int(day_of_week), int(hour_of_day))
        histograms.setdefault(key, Counter())[max(int(waited_seconds), 0)] += calls
    by_hour = [
        HourOfWeek(
            day_of_week,
            hour_of_day,
            sum(histogram.values()),
            sum(value * count for value, count in histogram.items()) / sum(histogram.values()),
            percentile(histogram, P90) or 0.0,
        )
        for (day_of_week, hour_of_day), histogram in sorted(histograms.items())
    ]
    return ServiceLevel(**vars(totals), threshold_seconds=threshold_seconds, by_hour=by_hour)


def service_totals(session: Session, days: LocalDays, threshold_seconds: int) -> Totals:
    """The counts of the service level without the hours of the week: one query, what the
    metrics read on every scrape."""
    wait = wait_seconds_of(days.kind)
    totals = session.execute(
        select(
            func.count(),
            func.count(Call.connected_at),
            func.coalesce(
                func.sum(
                    case((Call.connected_at.is_not(None) & (wait <= threshold_seconds), 1), else_=0)
                ),
                0,
            ),
            func.coalesce(
                func.sum(case((Call.outcome == CallOutcome.ABANDONED_IN_QUEUE, 1), else_=0)), 0
            ),
        ).where(*_waited(days))
    ).one()
    return Totals(*(int(value) for value in totals))


def _waited(days: LocalDays) -> list[ColumnElement[bool]]:
    """Callers whose call started in the range (the index the range is read by; they join
    the line a minute later), who joined the line and are no longer waiting."""
    return [
        Call.direction == CallDirection.INBOUND,
        Call.started_at >= days.start,
        Call.started_at < days.end,
        Call.queued_at.is_not(None),
        func.coalesce(Call.connected_at, Call.queue_left_at).is_not(None),
    ]
