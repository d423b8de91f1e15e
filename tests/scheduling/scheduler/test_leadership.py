"""One active scheduler: the lead is taken once, kept while renewed, free when its holder dies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduling.scheduler.leadership import AdvisoryLock, LeaseRow, current_holder
from tests.support.processes import wait_for

LEASE = timedelta(seconds=24)


def test_sqlite_lease_is_held_by_one_renewed_and_taken_over_when_it_runs_out(svc, clock):
    if svc.database.engine.dialect.name != "sqlite":
        pytest.skip("the lease row is SQLite's")
    first = LeaseRow(svc.database, "node-a", clock, LEASE)
    second = LeaseRow(svc.database, "node-b", clock, LEASE)
    assert first.try_acquire() and not second.try_acquire()
    clock.advance(timedelta(seconds=20))
    assert first.still_held()  # renewed: another 24 s from now
    clock.advance(timedelta(seconds=20))
    assert not second.try_acquire()
    clock.advance(timedelta(seconds=5))  # node-a died: no renewal for 25 s
    assert second.try_acquire()
    assert not first.still_held()
    assert current_holder(svc.database) == "node-b"


def test_a_released_sqlite_lease_is_free_at_once(svc, clock):
    if svc.database.engine.dialect.name != "sqlite":
        pytest.skip("the lease row is SQLite's")
    first = LeaseRow(svc.database, "node-a", clock, LEASE)
    second = LeaseRow(svc.database, "node-b", clock, LEASE)
    assert first.try_acquire()
    first.release()
    assert second.try_acquire()


def test_postgres_advisory_lock_is_held_by_one_and_free_when_its_connection_goes(svc, clock):
    if svc.database.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    first = AdvisoryLock(svc.database, "node-a", clock)
    second = AdvisoryLock(svc.database, "node-b", clock)
    try:
        assert first.try_acquire() and not second.try_acquire()
        assert first.still_held()
        first._connection.close()  # the process died: the server frees its session's lock
        assert not first.still_held()
        # once the server has ended that session: a few milliseconds after the socket closed
        # (asked at once, a loaded machine's server had not yet, 1 run in 3)
        wait_for(second.try_acquire, 5, "the lock to be free once its holder's session ended")
        assert current_holder(svc.database) == "node-b"
    finally:
        first.release()
        second.release()
