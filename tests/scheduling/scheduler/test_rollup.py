"""The daily rollup behind the statistics page: finished days are summed up once, and the page
shows exactly the figures it would count from the calls (SQLite and PostgreSQL alike), over
the changes to and from summer time and across midnight; the scheduler keeps it up to date
every quarter of an hour, and an operator can run it with `hotline statistics rollup`."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hotline.db import Database
from hotline.reports import rollup
from hotline.reports.local_days import days_between
from hotline.reports.models import CallsOfDay, RolledDay, WaitsOfDay
from hotline.reports.rollup import roll_up
from hotline.reports.statistics import Statistics, load_statistics
from hotline.telephony.models import CallDirection, CallOutcome
from scheduling.scheduler import jobs
from tests.support.statistics_data import StatisticsData
from tests.support.times import BERLIN, berlin

NOW = berlin(2026, 11, 26, 10, 0)  # as the app's test clock: the 25th is final, the 26th not
OUTCOMES = (
    CallOutcome.CONNECTED,
    CallOutcome.CONNECTED,
    CallOutcome.ABANDONED_IN_QUEUE,
    CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,
    CallOutcome.CALLBACK_REQUESTED,
    CallOutcome.HUNG_UP,
    CallOutcome.CLOSED_INFORMED,
    CallOutcome.CLOSED_CALLBACK_BOOKED,
    CallOutcome.APPOINTMENT_BOOKED,
    CallOutcome.ENDED_IN_INTAKE,
    None,  # still running when the day was rolled up, or never told
)
QUEUED = {
    CallOutcome.CONNECTED,
    CallOutcome.ABANDONED_IN_QUEUE,
    CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,
    CallOutcome.CALLBACK_REQUESTED,
}
RANGES = [
    (date(2026, 1, 1), date(2026, 12, 31)),  # before the first call, rolled up, live
    (date(2026, 3, 15), date(2026, 11, 26)),  # from mid-month to today
    (date(2026, 3, 29), date(2026, 3, 29)),  # a day of 23 hours
    (date(2026, 10, 25), date(2026, 10, 25)),  # a day of 25 hours
    (date(2026, 11, 25), date(2026, 11, 27)),  # yesterday (final), today, tomorrow
    (date(2026, 11, 26), date(2026, 11, 26)),  # only today
]


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def data(database: Database) -> StatisticsData:
    return StatisticsData(database)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def statistics(database: Database, first_day: date, last_day: date, tz: ZoneInfo = BERLIN):
    with database.transaction() as session:
        return load_statistics(session, first_day, last_day, tz)


def every_range(database: Database, tz: ZoneInfo = BERLIN) -> dict[tuple[date, date], Statistics]:
    return {(first, last): statistics(database, first, last, tz) for first, last in RANGES}


def rolled_days(database: Database) -> list[date]:
    with database.transaction() as session:
        return list(session.scalars(select(RolledDay.day).order_by(RolledDay.day)))


def row_counts(database: Database) -> tuple[int, int, int]:
    with database.transaction() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (RolledDay, CallsOfDay, WaitsOfDay)
        )


def a_year_of_calls(data: StatisticsData) -> None:
    """Calls from late February to today: the month ends, both changes of the clocks, calls
    at 23:30 UTC (the next day in Berlin), waits with fractions of seconds; legs that are not
    counted."""
    rng = random.Random(7)
    moments = [
        utc(2026, 2, 27, 9, 0),
        utc(2026, 2, 28, 23, 30),  # 00:30 on 1 March
        utc(2026, 3, 28, 22, 30),  # 23:30 on the 28th
        utc(2026, 3, 28, 23, 30),  # 00:30 on the 29th, before the change
        utc(2026, 3, 29, 1, 30),  # 03:30 on the 29th, summer time
        utc(2026, 3, 29, 21, 30),  # 23:30 on the 29th
        utc(2026, 3, 29, 22, 30),  # 00:30 on the 30th
        utc(2026, 10, 24, 21, 30),  # 23:30 on the 24th
        utc(2026, 10, 25, 0, 30),  # 02:30, the first time
        utc(2026, 10, 25, 1, 30),  # 02:30, the second time
        utc(2026, 10, 25, 22, 30),  # 23:30 on the 25th, winter time
        utc(2026, 10, 25, 23, 30),  # 00:30 on the 26th
        utc(2026, 11, 24, 23, 30),  # 00:30 on the 25th
        utc(2026, 11, 25, 23, 30),  # 00:30 on the 26th: today, counted live
        utc(2026, 11, 26, 8, 0),  # today
    ]
    for _ in range(40):
        day = date(2026, 3, 1) + timedelta(days=rng.randrange(260))
        moments.append(datetime(day.year, day.month, day.day, rng.randrange(8, 20), tzinfo=BERLIN))
    for number, started in enumerate(moments):
        for outcome in rng.sample(OUTCOMES, 3):
            waited = rng.choice([round(rng.uniform(0, 300), 1), 59.9, 5.0, 120.5])
            data.call(started, outcome, waited=waited if outcome in QUEUED else None)
        if number % 5 == 0:
            data.call(started, CallOutcome.CONNECTED, direction=CallDirection.OUTBOUND_DIAL)


def test_the_figures_with_the_rollup_are_those_counted_from_the_calls(data, database):
    a_year_of_calls(data)
    live = every_range(database)

    first = roll_up(database, NOW, BERLIN, at_most=40)  # part of it: rolled, live, rolled
    assert first == 40
    assert every_range(database) == live
    rest = roll_up(database, NOW, BERLIN)

    assert rolled_days(database) == [
        date(2026, 2, 27) + timedelta(days=n) for n in range(first + rest)
    ]
    assert rolled_days(database)[-1] == date(2026, 11, 25)
    assert every_range(database) == live
    year = statistics(database, date(2026, 1, 1), date(2026, 12, 31))
    assert year.waits_overall.calls > 50
    assert year.waits_overall.p90_seconds % 1 != 0  # interpolated between two waits


def test_rolled_up_days_are_read_from_the_rollup_and_the_others_counted_live(data, database):
    data.call(berlin(2026, 11, 20, 10, 0), waited=30)
    roll_up(database, NOW, BERLIN)
    # rows written later for a rolled-up day (which the service never does) are not seen
    data.call(berlin(2026, 11, 20, 11, 0), waited=90)
    data.call(berlin(2026, 11, 26, 9, 0), waited=60)  # today: counted at once

    figures = statistics(database, date(2026, 11, 20), date(2026, 11, 26))

    assert {day.day: day.answered for day in figures.calls if day.total} == {
        date(2026, 11, 20): 1,
        date(2026, 11, 26): 1,
    }
    assert figures.waits_overall.calls == 2
    assert figures.waits_overall.median_seconds == 45.0


@pytest.mark.parametrize(
    ("now", "last_rolled"),
    [
        (berlin(2026, 11, 26, 5, 59), date(2026, 11, 24)),
        (berlin(2026, 11, 26, 6, 0), date(2026, 11, 25)),  # six hours after the 25th ended
        (berlin(2026, 3, 30, 5, 59), date(2026, 3, 28)),  # after the day of 23 hours
        (berlin(2026, 3, 30, 6, 0), date(2026, 3, 29)),
    ],
)
def test_a_day_is_rolled_up_once_it_ended_six_hours_ago(data, database, now, last_rolled):
    data.call(utc(2026, 3, 27, 23, 30))  # 00:30 on the 28th: the first day
    data.call(utc(2026, 11, 25, 23, 30))  # 00:30 on the 26th

    rolled = roll_up(database, now, BERLIN)

    days = rolled_days(database)
    assert days[0] == date(2026, 3, 28) and days[-1] == last_rolled
    assert rolled == len(days) == (last_rolled - date(2026, 3, 28)).days + 1
    assert timedelta(hours=6) == rollup.FINAL_AFTER


def test_nothing_is_rolled_up_before_the_first_call(database):
    assert roll_up(database, NOW, BERLIN) == 0
    assert row_counts(database) == (0, 0, 0)


def test_rolling_up_again_changes_nothing(data, database):
    a_year_of_calls(data)
    assert roll_up(database, NOW, BERLIN) > 200
    counts = row_counts(database)
    figures = every_range(database)

    assert roll_up(database, NOW, BERLIN) == 0
    assert row_counts(database) == counts
    assert every_range(database) == figures


def test_a_run_that_counted_days_another_run_rolled_up_meanwhile_writes_nothing(
    data, database, monkeypatch
):
    data.call(berlin(2026, 11, 20, 10, 0), waited=30)
    data.call(berlin(2026, 11, 23, 10, 0), waited=40)
    live = every_range(database)
    due = rollup.days_due  # as the other run saw them before this one committed
    with database.transaction() as session:
        seen = due(session, NOW, BERLIN)
    assert roll_up(database, NOW, BERLIN) == len(seen) == 6
    counts = row_counts(database)

    monkeypatch.setattr(rollup, "days_due", lambda session, now, tz: seen)
    assert roll_up(database, NOW, BERLIN) == 0

    assert row_counts(database) == counts
    assert every_range(database) == live


def test_a_new_time_zone_starts_the_rollup_over(data, database):
    a_year_of_calls(data)
    utc_zone = ZoneInfo("UTC")
    live_berlin, live_utc = every_range(database), every_range(database, utc_zone)
    roll_up(database, NOW, BERLIN)

    rolled = roll_up(database, NOW, utc_zone)

    assert rolled == len(rolled_days(database))
    with database.transaction() as session:
        assert set(session.scalars(select(RolledDay.timezone))) == {"UTC"}
    assert every_range(database, utc_zone) == live_utc
    assert every_range(database) == live_berlin  # counted live: no day rolled up in Berlin


# --- the scheduler's job -------------------------------------------------------------------
@pytest.fixture
def bound(dispatcher) -> Iterator[None]:
    jobs.bind(jobs.JobContext(dispatcher))
    yield
    jobs.bind(None)


def test_the_rollup_is_one_of_the_periodic_jobs_and_runs_at_start():
    listed = {job.id: job for job in jobs.periodic_jobs(lease_seconds=60)}
    job = listed["statistics-rollup"]
    assert job.function == "scheduling.scheduler.jobs:roll_up_statistics"
    assert job.seconds == 15 * 60 and job.run_at_start


def test_the_job_rolls_up_with_the_schedulers_clock_and_time_zone(bound, svc, caplog):
    data = StatisticsData(svc.database)
    data.call(berlin(2026, 11, 23, 10, 0), waited=30)
    data.call(berlin(2026, 11, 26, 9, 0), waited=30)  # today (the clock's): not final

    with caplog.at_level(logging.INFO, logger=jobs.__name__):
        assert jobs.roll_up_statistics() == 3

    assert rolled_days(svc.database) == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    [record] = [record for record in caplog.records if record.message == "statistics rolled up"]
    assert record.days == 3
    assert jobs.roll_up_statistics() == 0


def test_the_job_does_nothing_without_an_active_scheduler(caplog):
    jobs.bind(None)
    with caplog.at_level(logging.WARNING, logger=jobs.__name__):
        assert jobs.roll_up_statistics() is None
    assert "without an active scheduler context" in caplog.text


# --- the command ---------------------------------------------------------------------------
def test_the_command_rolls_up_every_finished_day_and_says_how_many(hotline, database, clock):
    data = StatisticsData(database)
    now = clock.now()  # the command runs on the test's clock
    data.call(now - timedelta(days=3), waited=30)
    data.call(now, waited=30)

    result = hotline("statistics", "rollup")

    assert result.exit_code == 0, result.output
    first = (now - timedelta(days=3)).astimezone(BERLIN).date()
    last = rollup.last_finished_day(now, BERLIN)  # yesterday once it is final
    days = rolled_days(database)
    assert days == days_between(first, last)
    assert f"Statistik: {len(days)} Tage zusammengefasst" in result.output
    assert "Europe/Berlin" in result.output
    again = hotline("statistics", "rollup")
    assert "Statistik: 0 Tage zusammengefasst" in again.output
