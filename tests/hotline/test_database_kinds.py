"""Each database's kind is chosen once, from its URL, and answers alike on both databases:
the same moments, the same seconds waited, the same grouped numbers, the same percentiles.

Run with the `svc` fixture, every test here runs once on SQLite and once on PostgreSQL, so
both implementations are exercised (as is every other test of the suite, through them)."""

from __future__ import annotations

import inspect
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from hotline.database_kinds import POSTGRESQL, SQLITE, DatabaseKind, kind_for_url, kind_of
from hotline.database_kinds.postgresql import PostgreSQL
from hotline.database_kinds.sqlite import SQLite
from hotline.db import UTCDateTime, insert_unless_present, integers_of
from hotline.reports.waits import P90, percentile
from hotline.scheduler.models import SchedulerLease
from hotline.telephony.models import Call, CallDirection
from tests.support.databases import is_postgres
from tests.support.times import berlin

MOMENT = berlin(2026, 11, 26, 10, 0, 7)  # 09:00:07 UTC
_LEASE = SchedulerLease.__table__
LOCK_KEY = 0x7E_57  # any number no lock of the service uses


def _moment(value):
    return literal(value, UTCDateTime())


def test_the_kind_is_chosen_from_the_url_and_every_session_finds_the_same(svc, database_url):
    expected = POSTGRESQL if is_postgres(database_url) else SQLITE
    assert svc.database.kind is expected
    with svc.database.transaction() as session:
        assert kind_of(session) is expected
        assert kind_of(session.connection()) is expected
    with svc.database.reading() as session:
        assert kind_of(session) is expected
    with Session(svc.database.engine) as session:  # made elsewhere: found by its engine
        assert kind_of(session) is expected


def test_a_database_the_service_does_not_run_on_is_refused_by_name():
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        kind_for_url("mysql://localhost/hotline")


@pytest.mark.parametrize("implementation", [PostgreSQL, SQLite])
def test_each_kind_answers_every_question_of_the_interface(implementation):
    asked = {name for name in vars(DatabaseKind) if not name.startswith("_")}
    answered = {name for name in vars(implementation) if not name.startswith("_")}
    assert asked <= answered
    for name in asked:
        wanted = list(inspect.signature(getattr(DatabaseKind, name)).parameters)
        assert list(inspect.signature(getattr(implementation, name)).parameters) == wanted


def test_a_moment_is_kept_in_utc_whatever_zone_it_was_given_in(svc):
    kind = svc.database.kind
    with svc.database.transaction() as session:
        session.add(
            Call(
                call_sid="CA1", direction=CallDirection.INBOUND, status="ringing", started_at=MOMENT
            )
        )
    with svc.database.transaction() as session:
        stored = session.scalar(select(Call.started_at))
        seconds = session.scalar(select(kind.epoch_seconds(Call.started_at)))
    assert stored == MOMENT and stored.utcoffset() == timedelta(0)
    assert seconds == int(MOMENT.timestamp())


@pytest.mark.parametrize(
    ("waited", "counted"),
    [
        (timedelta(seconds=59, microseconds=900_000), 59),
        (timedelta(seconds=60), 60),
        (timedelta(seconds=60, microseconds=100), 60),
        (timedelta(seconds=1, microseconds=999_999), 1),
        (timedelta(0), 0),
    ],
)
def test_seconds_between_two_moments_are_cut_off_as_a_stopwatch_would(svc, waited, counted):
    kind = svc.database.kind
    earlier = MOMENT + timedelta(microseconds=250_000)
    with svc.database.transaction() as session:
        between = kind.whole_seconds_between(_moment(earlier + waited), _moment(earlier))
        assert int(session.scalar(select(between))) == counted


def test_grouped_numbers_come_back_as_the_numbers_grouped(svc):
    kind = svc.database.kind
    with svc.database.transaction() as session:
        for index, minutes in enumerate((30, 0, 15)):
            session.add(
                Call(
                    call_sid=f"CA{index}",
                    direction=CallDirection.INBOUND,
                    status="completed",
                    started_at=MOMENT + timedelta(minutes=minutes),
                )
            )
    with svc.database.transaction() as session:
        grouped = session.scalar(select(kind.grouped_integers(kind.epoch_seconds(Call.started_at))))
    start = int(MOMENT.timestamp())
    assert sorted(integers_of(grouped)) == [start, start + 900, start + 1800]


def test_percentiles_by_the_database_are_those_interpolated_here(svc):
    """PostgreSQL computes them; SQLite has none and says so, and the reports interpolate
    from counts (`percentile`): both must give the same figures."""
    kind = svc.database.kind
    waits = [3, 8, 8, 20, 41, 95]
    with svc.database.transaction() as session:
        for index, seconds in enumerate(waits):
            session.add(
                Call(
                    call_sid=f"CA{index}",
                    direction=CallDirection.INBOUND,
                    status="completed",
                    started_at=MOMENT,
                    duration_seconds=seconds,
                )
            )
    aggregate = kind.percentiles((0.5, P90), Call.duration_seconds)
    if aggregate is None:
        assert kind is SQLITE
        return
    with svc.database.transaction() as session:
        median, p90 = session.scalar(select(aggregate))
    histogram = Counter(waits)
    assert (median, p90) == (percentile(histogram, 0.5), percentile(histogram, P90))


def test_an_insert_of_a_present_row_is_ignored_and_an_upsert_updates_it(svc):
    kind = svc.database.kind
    with svc.database.transaction() as session:
        insert_unless_present(session, _LEASE, {"name": "one", "holder": "first"}, ("name",))
        insert_unless_present(session, _LEASE, {"name": "one", "holder": "second"}, ("name",))
        upsert = kind.insert(_LEASE).values(name="two", holder="first")
        for holder in ("first", "second"):
            session.execute(
                upsert.on_conflict_do_update(index_elements=["name"], set_={"holder": holder})
            )
    with svc.database.transaction() as session:
        rows = {
            name: holder for name, holder in session.execute(select(_LEASE.c.name, _LEASE.c.holder))
        }
    assert rows == {"one": "first", "two": "second"}


def test_a_transaction_lock_makes_the_next_transaction_wait_until_it_ends(svc):
    """Two transactions taking one key take turns (on SQLite, the write lock every writing
    transaction holds from its start does it)."""
    kind = svc.database.kind
    order: list[str] = []
    first_holds = threading.Event()

    def second() -> None:
        first_holds.wait()
        with svc.database.transaction() as session:
            kind.hold_transaction_lock(session, LOCK_KEY)
            order.append("second holds the lock")

    waiting = threading.Thread(target=second)
    waiting.start()
    with svc.database.transaction() as session:
        kind.hold_transaction_lock(session, LOCK_KEY)
        kind.hold_transaction_lock(session, LOCK_KEY)  # again in the same one: no wait
        first_holds.set()
        time.sleep(0.2)
        order.append("first ends")
    waiting.join(timeout=5)
    assert order == ["first ends", "second holds the lock"]
