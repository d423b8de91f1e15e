"""The statistics page's figures, counted by the database (SQLite and PostgreSQL alike): calls
on the Berlin day they started, waits, callbacks on time, appointments, referrals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from hotline.appointments.models import AppointmentState, BookedVia
from hotline.callbacks.models import CallbackState
from hotline.db import Database
from hotline.reports.statistics import (
    CALL_PARTS,
    MAX_DAYS,
    AppointmentsOnDay,
    CallbacksOnDay,
    CallsOnDay,
    InvalidDateRange,
    Statistics,
    Tally,
    load_statistics,
)
from hotline.reports.waits import WaitTimes
from hotline.telephony.models import CallDirection, CallOutcome
from tests.support.statistics_data import StatisticsData
from tests.support.times import BERLIN, berlin


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def data(database: Database) -> StatisticsData:
    return StatisticsData(database)


def statistics(database: Database, first_day: date, last_day: date) -> Statistics:
    with database.transaction() as session:
        return load_statistics(session, first_day, last_day, BERLIN)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def calls_per_day(figures: Statistics) -> dict[date, int]:
    return {day.day: day.total for day in figures.calls}


def test_calls_are_counted_on_the_berlin_day_they_started_by_what_came_of_them(data, database):
    data.call(utc(2026, 1, 14, 22, 59), CallOutcome.CONNECTED)  # 23:59 in Berlin
    data.call(utc(2026, 1, 14, 23, 30), CallOutcome.CONNECTED)  # 00:30 on the 15th
    for outcome in (
        CallOutcome.ABANDONED_IN_QUEUE,
        CallOutcome.HUNG_UP,
        CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,
        CallOutcome.CLOSED_INFORMED,
        CallOutcome.CLOSED_CALLBACK_BOOKED,
        CallOutcome.APPOINTMENT_BOOKED,
        CallOutcome.CALLBACK_REQUESTED,  # open, a callback instead of waiting: other
        CallOutcome.NOBODY_ON_DUTY,
        CallOutcome.ENDED_IN_INTAKE,
        CallOutcome.BLOCKED,  # refused by the line's protection: counted apart
        CallOutcome.TOO_MANY_CALLS,
        CallOutcome.CHALLENGE_FAILED,
        None,  # still running
    ):
        data.call(berlin(2026, 1, 15, 10, 0), outcome)
    data.call(berlin(2026, 1, 15, 10, 5), direction=CallDirection.OUTBOUND_DIAL)  # a leg
    data.call(berlin(2026, 1, 16, 0, 0), CallOutcome.CONNECTED)  # the day after the range
    data.call(berlin(2026, 1, 13, 23, 59), CallOutcome.CONNECTED)  # the day before

    figures = statistics(database, date(2026, 1, 14), date(2026, 1, 15))

    nothing = dict.fromkeys(CALL_PARTS, 0)
    assert figures.calls == (
        CallsOnDay(date(2026, 1, 14), **{**nothing, "answered": 1}),
        CallsOnDay(
            date(2026, 1, 15),
            answered=1,
            abandoned=2,
            ended_after_max_wait=1,
            out_of_hours_callback=1,
            out_of_hours_appointment=1,
            out_of_hours_nothing_booked=1,
            refused=3,
            other=4,
        ),
    )
    assert figures.calls[1].out_of_hours == 3 and figures.calls[1].total == 14


def test_the_days_the_clocks_change_have_23_and_25_hours(data, database):
    # spring: 2 a.m. becomes 3 a.m. on 29 March (UTC+1 before, UTC+2 after)
    data.call(utc(2026, 3, 28, 22, 30))  # 23:30 on the 28th
    data.call(utc(2026, 3, 28, 23, 30))  # 00:30 on the 29th
    data.call(utc(2026, 3, 29, 21, 30))  # 23:30 on the 29th, summer time
    data.call(utc(2026, 3, 29, 22, 30))  # 00:30 on the 30th
    # autumn: 3 a.m. becomes 2 a.m. on 25 October, the hour from 2 to 3 comes twice
    data.call(utc(2026, 10, 24, 21, 30))  # 23:30 on the 24th, summer time
    data.call(utc(2026, 10, 24, 22, 30))  # 00:30 on the 25th
    data.call(utc(2026, 10, 25, 0, 30))  # 02:30, the first time
    data.call(utc(2026, 10, 25, 1, 30))  # 02:30, the second time
    data.call(utc(2026, 10, 25, 22, 30))  # 23:30 on the 25th, winter time
    data.call(utc(2026, 10, 25, 23, 30))  # 00:30 on the 26th

    spring = statistics(database, date(2026, 3, 28), date(2026, 3, 30))
    autumn = statistics(database, date(2026, 10, 24), date(2026, 10, 26))

    assert calls_per_day(spring) == {
        date(2026, 3, 28): 1,
        date(2026, 3, 29): 2,
        date(2026, 3, 30): 1,
    }
    assert calls_per_day(autumn) == {
        date(2026, 10, 24): 1,
        date(2026, 10, 25): 4,
        date(2026, 10, 26): 1,
    }
    whole_year = statistics(database, date(2026, 1, 1), date(2026, 12, 31))
    assert sum(calls_per_day(whole_year).values()) == 10
    assert calls_per_day(whole_year)[date(2026, 10, 25)] == 4


def test_waits_have_a_median_and_a_90th_percentile_per_day_month_and_range(data, database):
    for seconds in (10, 20, 30, 40, 100):
        data.call(berlin(2026, 2, 2, 10, 0), CallOutcome.CONNECTED, waited=seconds)
    data.call(berlin(2026, 2, 3, 11, 0), CallOutcome.ABANDONED_IN_QUEUE, waited=5)
    data.call(berlin(2026, 2, 3, 12, 0), CallOutcome.CONNECTED, waited=15)
    data.call(berlin(2026, 2, 3, 12, 0), CallOutcome.CLOSED_INFORMED)  # never queued
    data.call(berlin(2026, 3, 2, 9, 0), CallOutcome.CONNECTED, waited=59.9)  # counts as 59

    figures = statistics(database, date(2026, 2, 2), date(2026, 3, 2))

    waits = {day.day: day.waits for day in figures.waits}
    assert waits[date(2026, 2, 2)] == WaitTimes(5, 30.0, pytest.approx(76.0))
    assert waits[date(2026, 2, 3)] == WaitTimes(2, 10.0, pytest.approx(14.0))
    assert waits[date(2026, 2, 4)] == WaitTimes(0, None, None)
    assert waits[date(2026, 3, 2)] == WaitTimes(1, 59.0, 59.0)
    months = {month.month: month.waits for month in figures.waits_by_month}
    # February: 5 10 15 20 30 40 100
    assert months == {
        date(2026, 2, 1): WaitTimes(7, 20.0, pytest.approx(64.0)),
        date(2026, 3, 1): WaitTimes(1, 59.0, 59.0),
    }
    # the range: 5 10 15 20 30 40 59 100, not a mean of the days
    assert figures.waits_overall == WaitTimes(8, 25.0, pytest.approx(71.3))


def test_a_callback_is_on_time_when_its_first_attempt_starts_within_15_minutes(data, database):
    slot = berlin(2026, 2, 10, 10, 0)
    minutes = timedelta(minutes=1)
    data.callback(CallbackState.DONE, slot=slot, attempts=(slot + 10 * minutes,))
    data.callback(CallbackState.DONE, slot=slot, attempts=(slot + 15 * minutes,))  # just
    data.callback(  # late: that the second attempt came soon after does not help
        CallbackState.DONE, slot=slot, attempts=(slot + 16 * minutes, slot + 17 * minutes)
    )
    data.callback(CallbackState.FAILED, slot=slot, attempts=(slot, slot + 20 * minutes))
    data.callback(CallbackState.CANCELED, slot=slot)
    data.callback(CallbackState.BOOKED, slot=berlin(2026, 2, 10, 23, 45))  # still the 10th
    data.callback(CallbackState.DRAFT, slot=slot)  # never booked: not counted
    # "as soon as possible": on time within an hour of the booking, on the booking's day
    booked = berlin(2026, 2, 11, 16, 0)
    data.callback(CallbackState.DONE, slot=None, booked=booked, attempts=(booked + 59 * minutes,))
    data.callback(CallbackState.DONE, slot=None, booked=booked, attempts=(booked + 61 * minutes,))

    figures = statistics(database, date(2026, 2, 10), date(2026, 2, 11))

    assert figures.callbacks == (
        CallbacksOnDay(date(2026, 2, 10), booked=6, done=3, failed=1, on_time=2),
        CallbacksOnDay(date(2026, 2, 11), booked=2, done=2, failed=0, on_time=1),
    )


def test_appointments_count_on_the_day_they_start_and_by_how_they_were_booked(data, database):
    data.appointment(berlin(2026, 4, 7, 10, 0))
    data.appointment(berlin(2026, 4, 7, 11, 0), booked_via=BookedVia.PHONE)
    data.appointment(berlin(2026, 4, 7, 12, 0), AppointmentState.CANCELED, BookedVia.API)
    data.appointment(berlin(2026, 4, 8, 0, 30))  # 22:30 UTC on the 7th
    data.appointment(berlin(2026, 4, 9, 10, 0))  # after the range

    figures = statistics(database, date(2026, 4, 7), date(2026, 4, 8))

    assert figures.appointments == (
        AppointmentsOnDay(date(2026, 4, 7), booked=2, canceled=1),
        AppointmentsOnDay(date(2026, 4, 8), booked=1, canceled=0),
    )
    assert figures.appointments_by_channel == (
        Tally("web", 2),
        Tally("api", 1),
        Tally("phone", 1),
    )


def test_referrals_are_counted_by_the_cases_federal_state_and_the_offers_category(data, database):
    data.referral(date(2026, 5, 4), "BY", "legal")
    data.referral(date(2026, 5, 4), "BY", "legal")
    data.referral(date(2026, 5, 5), "BY", "victim_support")
    data.referral(date(2026, 5, 31), None, "legal")  # the case's federal state is not known
    data.referral(date(2026, 5, 31), "HB", "digital")
    data.referral(date(2026, 4, 30), "BY", "legal")  # before the range
    data.referral(date(2026, 6, 1), "HB", "legal")  # after it

    figures = statistics(database, date(2026, 5, 1), date(2026, 5, 31))

    assert figures.referrals_by_state == (Tally("BY", 3), Tally("HB", 1), Tally(None, 1))
    assert figures.referrals_by_category == (
        Tally("legal", 3),
        Tally("digital", 1),
        Tally("victim_support", 1),
    )


def test_a_range_without_anything_has_zeros_for_every_day(database):
    figures = statistics(database, date(2026, 12, 30), date(2027, 1, 2))

    assert [day.day for day in figures.calls] == figures.days
    assert figures.days == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    ]
    assert all(day.total == 0 for day in figures.calls)
    assert all(day.booked == 0 for day in figures.callbacks + figures.appointments)
    assert [month.month for month in figures.waits_by_month] == [
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert figures.waits_overall == WaitTimes(0, None, None)
    assert figures.referrals_by_state == figures.referrals_by_category == ()


@pytest.mark.parametrize(
    ("first_day", "last_day"),
    [
        (date(2026, 5, 2), date(2026, 5, 1)),
        (date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=MAX_DAYS)),
    ],
)
def test_a_reversed_or_too_long_range_is_refused(database, first_day, last_day):
    with pytest.raises(InvalidDateRange, match="at most"):
        statistics(database, first_day, last_day)
