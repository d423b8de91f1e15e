"""The daily rollup: each finished local day's calls and waits summed up once, so that the
statistics of a year read a few thousand rows instead of every call of the year.

What is kept per day (see `models`): the inbound calls per outcome, the histogram of whole
seconds waited, and the day's own median and 90th percentile; and per month the sum of its
rolled-up days' histograms. From these the statistics compute exactly what counting the
calls would give (`statistics.load_statistics` uses the rollup for the days it has and counts
the others live, and a test holds the two equal).

Only finished days are rolled up: a day is final FINAL_AFTER after it ended. A call that
started at 23:50 gets its outcome and its wait when it ends, which Twilio forces within four
hours (its default time limit, which the hotline does not raise); the last status callback
comes moments later, and two hours more cover a late delivery or a scheduler catching up.
Today and yesterday's first hours are therefore always counted live, as is any day not
processed yet.

A rolled-up day is never rolled up again: nothing changes what it holds. Retention clears
phone numbers (never outcomes or queue times), and merging cases moves a call's case_id,
which these figures do not look at. A change that did alter old calls' outcomes or queue
times has to drop the rollup whole (a day's rows alone are not enough: its histogram stays in
its month's sum, and rolling the day up anew would add it again), as migration 0012 does, and
the next run rolls the days up anew. Likewise, the rollup holds the days of one
time zone: when `hours.timezone` changes, the next run drops all of it and starts over, and
until a day is rolled up in the zone asked for, the statistics count it live.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, delete, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from hotline.database_kinds import kind_of
from hotline.db import Database
from hotline.reports.calls import CallCount, calls_by_outcome
from hotline.reports.local_days import LocalDays, days_between, months_between, stretches
from hotline.reports.models import NO_OUTCOME, CallsOfDay, RolledDay, WaitsOfDay, WaitsOfMonth
from hotline.reports.waits import WaitTimes, wait_histograms, waits_of
from hotline.telephony.models import Call, CallDirection

FINAL_AFTER = timedelta(hours=6)  # after a local day's end: its calls are over (see above)
MAX_DAYS_PER_RUN = 400  # a year and a bit: a first run catches up on a year in one go
# Days summed up per transaction: a SQLite writer holds the one write lock that webhooks
# wait for, so each write stays short (a month of counts); the counting itself only reads.
DAYS_PER_TRANSACTION = 31


@dataclass(frozen=True)
class RolledUp:
    """What the rollup holds of a range: which days, their calls per outcome, their own wait
    figures, and their wait histograms summed per month (keyed by the month's first day)."""

    days: frozenset[date] = frozenset()
    calls: list[CallCount] = field(default_factory=list)
    waits_by_day: dict[date, WaitTimes] = field(default_factory=dict)
    wait_histograms_by_month: dict[date, Counter[int]] = field(default_factory=dict)


# --- writing --------------------------------------------------------------------------------
def roll_up(
    database: Database, now: datetime, tz: ZoneInfo, *, at_most: int = MAX_DAYS_PER_RUN
) -> int:
    """Roll up the finished local days (in `tz`) not rolled up yet, oldest first and at most
    `at_most` of them; returns how many it rolled up.

    Idempotent, and safe when two runs overlap (a restarted scheduler and an operator's
    command): a day is claimed by inserting its `stats_rolled_days` row unless there is one,
    and only a run that claimed the day writes its counts, in the same transaction. The
    counting reads in a transaction of its own, so that on SQLite no webhook waits for it.
    """
    _forget_other_time_zones(database, tz)
    with database.reading() as session:
        due = days_due(session, now, tz)[:at_most]
    rolled = 0
    for first, last in stretches(due, DAYS_PER_TRANSACTION):
        with database.reading() as session:
            days = LocalDays(kind_of(session), tz, first, last)
            calls = calls_by_outcome(session, days)
            waits = wait_histograms(session, days)
        with database.transaction() as session:
            rolled += _write(session, days_between(first, last), calls, waits, now, tz)
    return rolled


def last_finished_day(now: datetime, tz: ZoneInfo) -> date:
    """The latest local day that ended FINAL_AFTER or longer ago."""
    return (now - FINAL_AFTER).astimezone(tz).date() - timedelta(days=1)


def days_due(session: Session, now: datetime, tz: ZoneInfo) -> list[date]:
    """Finished local days from the first inbound call's on that are not rolled up in `tz`,
    oldest first (days without calls too: the rollup then knows they had none)."""
    first_call = session.scalar(
        select(func.min(Call.started_at)).where(Call.direction == CallDirection.INBOUND)
    )
    if first_call is None:
        return []
    first, last = first_call.astimezone(tz).date(), last_finished_day(now, tz)
    if last < first:
        return []
    rolled = set(
        session.scalars(
            select(RolledDay.day).where(
                RolledDay.day >= first, RolledDay.day <= last, RolledDay.timezone == tz.key
            )
        )
    )
    return [day for day in days_between(first, last) if day not in rolled]


def _forget_other_time_zones(database: Database, tz: ZoneInfo) -> None:
    """Days counted in another zone have other bounds: drop the whole rollup (the months sum
    up days of one zone), to be rolled up anew."""
    with database.reading() as session:
        if not session.scalar(select(exists().where(RolledDay.timezone != tz.key))):
            return
    with database.transaction() as session:
        for model in (WaitsOfMonth, WaitsOfDay, CallsOfDay, RolledDay):
            session.execute(delete(model))


def _write(
    session: Session,
    days: list[date],
    calls: Sequence[CallCount],
    waits: dict[date, Counter[int]],
    now: datetime,
    tz: ZoneInfo,
) -> int:
    """Claim the days that no other run has rolled up meanwhile, write their counts, and add
    their histograms to their months'."""
    kind = kind_of(session)
    claim = (
        kind.insert(RolledDay.__table__)
        .values([_rolled_day(day, waits.get(day, Counter()), now, tz) for day in days])
        .on_conflict_do_nothing(index_elements=["day"])
        .returning(RolledDay.__table__.c.day)
    )
    claimed = set(session.execute(claim).scalars())
    counts: Counter[tuple[date, str]] = Counter()
    for day, outcome, count in calls:
        if day in claimed:
            counts[day, outcome or NO_OUTCOME] += count
    if counts:
        session.execute(
            CallsOfDay.__table__.insert(),
            [{"day": day, "outcome": outcome, "count": n} for (day, outcome), n in counts.items()],
        )
    histogram_rows = [
        {"day": day, "wait_seconds": seconds, "count": n}
        for day, histogram in waits.items()
        if day in claimed
        for seconds, n in histogram.items()
    ]
    if histogram_rows:
        session.execute(WaitsOfDay.__table__.insert(), histogram_rows)
        _add_to_months(session, histogram_rows)
    return len(claimed)


def _add_to_months(session: Session, histogram_rows: list[dict[str, Any]]) -> None:
    """Add the days' histograms to their months' (a row per month and second, summed)."""
    by_month: Counter[tuple[date, int]] = Counter()
    for row in histogram_rows:
        by_month[row["day"].replace(day=1), row["wait_seconds"]] += row["count"]
    table = WaitsOfMonth.__table__
    upsert = kind_of(session).insert(table)
    upsert = upsert.on_conflict_do_update(
        index_elements=["month", "wait_seconds"],
        set_={"count": table.c.count + upsert.excluded.count},
    )
    session.execute(
        upsert,
        [{"month": m, "wait_seconds": s, "count": n} for (m, s), n in by_month.items()],
    )


def _rolled_day(day: date, histogram: Counter[int], now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    figures = waits_of(histogram)
    return {
        "day": day,
        "timezone": tz.key,
        "rolled_at": now,
        "waited": figures.calls,
        "wait_median_seconds": figures.median_seconds,
        "wait_p90_seconds": figures.p90_seconds,
    }


# --- reading ------------------------------------------------------------------------------
def rolled_up(session: Session, first_day: date, last_day: date, tz: ZoneInfo) -> RolledUp:
    """What the rollup holds of the local days first_day..last_day in `tz`: a few thousand
    rows for a year, in three or four queries (one when no day of the range is rolled up)."""
    rows = session.execute(
        select(
            RolledDay.day,
            RolledDay.waited,
            RolledDay.wait_median_seconds,
            RolledDay.wait_p90_seconds,
        ).where(RolledDay.day >= first_day, RolledDay.day <= last_day, RolledDay.timezone == tz.key)
    ).all()
    if not rows:
        return RolledUp()
    days = frozenset(row.day for row in rows)
    runs = stretches(sorted(days))
    calls = [
        (day, None if outcome == NO_OUTCOME else outcome, count)
        for day, outcome, count in session.execute(
            select(CallsOfDay.day, CallsOfDay.outcome, CallsOfDay.count).where(
                _within(CallsOfDay.day, runs)
            )
        )
    ]
    return RolledUp(
        days,
        calls,
        {day: WaitTimes(waited, median, p90) for day, waited, median, p90 in rows},
        _histograms_by_month(session, runs, first_day, last_day),
    )


def _histograms_by_month(
    session: Session, runs: list[tuple[date, date]], first_day: date, last_day: date
) -> dict[date, Counter[int]]:
    """The rolled-up days' wait histograms summed per month: of a month the range covers
    whole, as the rollup keeps it; of the first and last month, when the range covers them
    in part, summed from their days in the range by the database."""
    months = months_between(first_day, last_day)
    ends = [*months[1:], (months[-1] + timedelta(days=31)).replace(day=1)]
    whole = [
        month
        for month, end in zip(months, ends, strict=True)
        if first_day <= month and end - timedelta(days=1) <= last_day
    ]
    by_month: defaultdict[date, Counter[int]] = defaultdict(Counter)
    if whole:
        rows = session.execute(
            select(WaitsOfMonth.month, WaitsOfMonth.wait_seconds, WaitsOfMonth.count).where(
                WaitsOfMonth.month.in_(whole)
            )
        )
        for month, seconds, count in rows:
            by_month[month][seconds] = count
    partial = [
        (max(month, first_day), min(end - timedelta(days=1), last_day))
        for month, end in zip(months, ends, strict=True)
        if month not in whole
    ]
    if partial:
        by_month.update(_summed_from_days(session, runs, partial))
    return dict(by_month)


def _summed_from_days(
    session: Session, runs: list[tuple[date, date]], parts: list[tuple[date, date]]
) -> dict[date, Counter[int]]:
    """The days' histograms of each (first, last) within one month, summed per month."""
    part = (
        case(
            *((WaitsOfDay.day <= last, index) for index, (_, last) in enumerate(parts[:-1])),
            else_=len(parts) - 1,
        )
        if len(parts) > 1
        else literal(0)
    ).label("part")
    rows = session.execute(
        select(part, WaitsOfDay.wait_seconds, func.sum(WaitsOfDay.count))
        .where(_within(WaitsOfDay.day, runs), _within(WaitsOfDay.day, parts))
        .group_by(part, WaitsOfDay.wait_seconds)
    )
    months = [first.replace(day=1) for first, _ in parts]
    by_month: defaultdict[date, Counter[int]] = defaultdict(Counter)
    for index, seconds, count in rows:
        by_month[months[index]][seconds] = int(count)
    return by_month


def _within(column: Any, runs: list[tuple[date, date]]) -> ColumnElement[bool]:
    return or_(*(column.between(first, last) for first, last in runs))
