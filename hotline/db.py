"""Database engine, sessions and the column types every model shares.

One transaction per webhook request or job (`Database.transaction()`); side effects such as
outbound calls happen after it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

from hotline import db_guard
from hotline.clock import as_utc
from hotline.database_kinds import DatabaseKind, kind_for_url, kind_of
from hotline.db_guard import CircuitBreaker, thread_state

log = logging.getLogger(__name__)
T = TypeVar("T")


class Base(DeclarativeBase):
    # Named constraints, so that later migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def encrypted() -> dict[str, bool]:
    """`info` of a column that holds personal data encrypted at rest (phone, e-mail, answers).

    `hotline keys rotate` re-encrypts every column marked so; a new model only needs the mark.
    """
    return {"encrypted": True}


def is_encrypted(column: Any) -> bool:
    return bool(column.info.get("encrypted"))


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC: no naive datetime ever reaches the hotline's logic.

    PostgreSQL keeps the moment (timestamptz); SQLite keeps the UTC wall time as text, which
    its driver type writes from the fields alone, ignoring the zone: given UTC, both store
    the same moment."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Role(StrEnum):
    """Who uses an engine; each has its own limits on how long the database may take."""

    WEB = "web"  # webhook and page requests: Twilio waits 15 s, a caller waits less
    CLI = "cli"  # operators' commands, migrations included: may run long
    SCHEDULER = "scheduler"  # jobs: longer than a request, never forever


@dataclass(frozen=True)
class Limits:
    statement_timeout_ms: int  # PostgreSQL's statement_timeout; 0 = none
    lock_wait_seconds: float  # how long a writer waits for SQLite's write lock
    checkout_seconds: float  # client-side: a PostgreSQL connection held longer is cut
    pool_wait_seconds: float  # how long to wait for a free pooled connection


# A web request that cannot get the database within a few seconds gives up, so that the
# caller still hears the safe answer long before Twilio's 15 s run out: every /twilio/*
# answer within 5 s, whatever the database does.
LIMITS = {
    Role.WEB: Limits(
        statement_timeout_ms=3_000, lock_wait_seconds=3, checkout_seconds=3.5, pool_wait_seconds=1
    ),
    Role.CLI: Limits(
        statement_timeout_ms=0, lock_wait_seconds=30, checkout_seconds=3600, pool_wait_seconds=30
    ),
    Role.SCHEDULER: Limits(
        statement_timeout_ms=60_000, lock_wait_seconds=15, checkout_seconds=90, pool_wait_seconds=10
    ),
}
# A best-effort write after the caller has the answer (a failure note) waits this long at most.
BEST_EFFORT_SECONDS = 1.0


def make_engine(url: str, role: Role = Role.WEB) -> Engine:
    """An engine tuned for several processes sharing the database, with the role's limits
    (how, is the database kind's: `hotline.database_kinds`)."""
    return kind_for_url(url).make_engine(url, LIMITS[role])


def insert_unless_present(
    session: Session, table: Table, values: dict[str, Any], unique: tuple[str, ...]
) -> None:
    """Race-safe get-or-create: of two workers inserting the same row, one inserts, the
    other's insert is ignored; neither needs a savepoint."""
    statement = _insert_ignoring_conflicts(kind_of(session), table, unique)
    session.connection().execute(statement, values)


@cache
def _insert_ignoring_conflicts(kind: DatabaseKind, table: Table, unique: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING (race-safe get-or-create without a savepoint).

    Built once per database kind and table, executed with a parameter dict: on the hot path
    of every call, building a statement (or going through the ORM's bulk insert) costs more
    than the insert itself.
    """
    return kind.insert(table).on_conflict_do_nothing(index_elements=list(unique))


class Database:
    """The engine and session factory of one app, with its limits and circuit breaker, and
    the kind of its database (`kind`: what differs between PostgreSQL and SQLite)."""

    def __init__(self, url: str, role: Role = Role.WEB) -> None:
        self.url = url
        self.role = role
        self.kind = kind_for_url(url)  # what differs between databases: chosen here, once
        self.engine = self.kind.make_engine(url, LIMITS[role])
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.breaker = CircuitBreaker()
        self._writers = self.kind.writer_queue(url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception.

        The connection owns the transaction and the session joins it: cheaper than a session
        transaction, which matters on the path of every webhook. Raises DatabaseUnavailable at
        once while the breaker is open.
        """
        self.breaker.check()
        try:
            with (
                self._queued_writer(),
                self.engine.begin() as connection,
                self.sessions(bind=connection) as session,
            ):
                yield session
                session.flush()
        except (DBAPIError, SQLAlchemyTimeoutError) as error:
            if thread_state().cut or isinstance(error, SQLAlchemyTimeoutError):
                self.breaker.trip()
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads (long console reports): on SQLite it takes neither
        the write lock nor the writers' queue, so webhooks are not held up behind it; on both
        it reads one snapshot, so the figures of a report agree with each other. It is rolled
        back at the end: nothing is kept."""
        self.breaker.check()
        state = thread_state()
        state.reading = True
        try:
            with self.engine.connect() as connection, self.sessions(bind=connection) as session:
                self.kind.begin_reading(connection)
                try:
                    yield session
                finally:
                    connection.rollback()
        except (DBAPIError, SQLAlchemyTimeoutError) as error:
            if state.cut or isinstance(error, SQLAlchemyTimeoutError):
                self.breaker.trip()
            raise
        finally:
            state.reading = False

    def _queued_writer(self) -> AbstractContextManager[None]:
        """SQLite: wait for the service's other writers on the file lock (see sqlite_writers)."""
        if self._writers is None:
            return nullcontext()
        wait = thread_state().budget or LIMITS[self.role].lock_wait_seconds
        return self._writers.held(wait)

    def run(self, work: Callable[[Session], T]) -> T:
        """`work` in one transaction; run once more if its pooled connection had died.

        A server restart leaves dead connections in the pool; without a ping per request the
        first use finds out. Running again is safe: the failed transaction was rolled back,
        and a commit that did land makes the second run collide with its own delivery record.
        """
        try:
            with self.transaction() as session:
                return work(session)
        except DBAPIError as error:
            if not error.connection_invalidated or thread_state().cut:
                raise
            log.warning("a pooled database connection had died; running the transaction again")
        with self.transaction() as session:
            return work(session)

    @contextmanager
    def best_effort(self, seconds: float = BEST_EFFORT_SECONDS) -> Iterator[Session]:
        """A short transaction for a write that may be lost (a failure note): tight limits."""
        with db_guard.budget(seconds), self.transaction() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def integers_of(value: str | list[int]) -> list[int]:
    """The numbers of a `DatabaseKind.grouped_integers` aggregate: a list of ints from
    PostgreSQL, a comma-separated text from SQLite."""
    return list(map(int, value.split(","))) if isinstance(value, str) else list(value)
