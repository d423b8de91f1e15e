"""Which `hotline scheduler` process is the active one; the others wait as standbys.

PostgreSQL: a session advisory lock, held on a connection of its own for as long as the
process lives. When the process dies (`kill -9` included) its connection closes and the server
frees the lock at once; a standby trying every few seconds takes over.

SQLite: a lease row the active process renews while it is alive. A standby takes the lease
when it has not been renewed for the lease time, so it takes over within the configured time.

Either way, claiming work rows stays safe if two processes ever act at once: each row is
claimed by one only (see `hotline.outbox.queue.claim_due`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import psycopg
from sqlalchemy import Table, or_, select, update

from hotline.clock import Clock
from hotline.database_kinds import ByKind
from hotline.db import Database, insert_unless_present
from hotline.scheduler.models import SchedulerLease

log = logging.getLogger(__name__)

LEASE_NAME = "dispatcher"
ADVISORY_LOCK_KEY = 0x686F746C696E65  # "hotline"
_LEASE: Table = SchedulerLease.__table__  # type: ignore[assignment]


class Leadership(Protocol):
    def try_acquire(self) -> bool:
        """Become the active scheduler if nobody is; True while this process is."""
        ...

    def still_held(self) -> bool:
        """Renew and check; False once another process may have taken over."""
        ...

    def release(self) -> None: ...


def dedicated_connection(database: Database) -> Any:
    """A PostgreSQL connection outside the pool (never cut by the request watchdog), made
    with the engine's own connect arguments."""
    engine = database.engine
    args, params = engine.dialect.create_connect_args(engine.url)
    return psycopg.connect(*args, **params, autocommit=True)


class AdvisoryLock:
    """PostgreSQL: `pg_try_advisory_lock` on a connection of this process's own."""

    def __init__(self, database: Database, node: str, clock: Clock) -> None:
        self._database = database
        self._node = node
        self._clock = clock
        self._connection: Any = None

    def try_acquire(self) -> bool:
        try:
            if self._connection is None or self._connection.closed:
                self._connection = dedicated_connection(self._database)
            got = self._connection.execute(
                "SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)
            ).fetchone()[0]
        except psycopg.Error:
            log.exception("cannot reach the database to ask for the scheduler lock")
            self._drop_connection()
            return False
        if got:
            _name_holder(self._database, self._node, self._clock.now(), None)
        return bool(got)

    def still_held(self) -> bool:
        try:
            self._connection.execute("SELECT 1")
        except (psycopg.Error, AttributeError):
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        """Unlock, and take this node's name off the lease row so that the status command
        does not name a stopped scheduler (the lock, not the row, decides who leads)."""
        if self._connection is not None and not self._connection.closed:
            with contextlib.suppress(psycopg.Error):
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        self._drop_connection()
        try:
            _unname_holder(self._database, self._node)
        except Exception:
            log.exception("cannot clear the scheduler holder's name")

    def _drop_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None


class LeaseRow:
    """SQLite: the lease row, taken when free or expired, renewed while alive."""

    def __init__(self, database: Database, node: str, clock: Clock, lease: timedelta) -> None:
        self._database = database
        self._node = node
        self._clock = clock
        self._lease = lease

    def try_acquire(self) -> bool:
        return self._take(renewing=False)

    def still_held(self) -> bool:
        return self._take(renewing=True)

    def release(self) -> None:
        _unname_holder(self._database, self._node)

    def _take(self, *, renewing: bool) -> bool:
        now = self._clock.now()
        try:
            with self._database.transaction() as session:
                insert_unless_present(session, _LEASE, {"name": LEASE_NAME}, ("name",))
                mine = _LEASE.c.holder == self._node
                free = or_(_LEASE.c.holder.is_(None), _LEASE.c.expires_at < now)
                taken = session.execute(
                    update(_LEASE)
                    .where(_LEASE.c.name == LEASE_NAME, mine if renewing else or_(mine, free))
                    .values(holder=self._node, expires_at=now + self._lease)
                ).rowcount
        except Exception:
            log.exception("cannot reach the database to renew the scheduler lease")
            return False
        return taken == 1


def _name_holder(database: Database, node: str, now: datetime, expires_at: datetime | None) -> None:
    """Write who holds the lock, for `hotline scheduler status` (PostgreSQL decides by lock)."""
    with database.transaction() as session:
        insert_unless_present(session, _LEASE, {"name": LEASE_NAME}, ("name",))
        session.execute(
            update(_LEASE)
            .where(_LEASE.c.name == LEASE_NAME)
            .values(holder=node, expires_at=expires_at)
        )


def _unname_holder(database: Database, node: str) -> None:
    """Free the lease row if `node` is named in it (a successor's name stays)."""
    with database.transaction() as session:
        session.execute(
            update(_LEASE)
            .where(_LEASE.c.name == LEASE_NAME, _LEASE.c.holder == node)
            .values(holder=None, expires_at=None)
        )


def current_holder(database: Database) -> str | None:
    with database.transaction() as session:
        return session.scalar(select(_LEASE.c.holder).where(_LEASE.c.name == LEASE_NAME))


def _advisory_lock(database: Database, node: str, clock: Clock, lease: timedelta) -> Leadership:
    """The lock needs no lease: the server frees it when this process's connection closes."""
    return AdvisoryLock(database, node, clock)


# How the schedulers on each kind of database elect the active one (see above).
_ELECTIONS: ByKind[Callable[[Database, str, Clock, timedelta], Leadership]] = ByKind(
    postgresql=_advisory_lock, sqlite=LeaseRow
)


def make_leadership(database: Database, node: str, clock: Clock, lease: timedelta) -> Leadership:
    """How this process takes part in electing the active scheduler: its database's kind
    picks."""
    return database.kind.pick(_ELECTIONS)(database, node, clock, lease)
