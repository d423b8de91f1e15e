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
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    cast,
    create_engine,
    event,
    func,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

from hotline import db_guard
from hotline.clock import as_utc
from hotline.db_guard import CircuitBreaker, thread_state, watch_postgres_checkouts
from hotline.sqlite_writers import WriterLock

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
    """Stores UTC, returns aware UTC: no naive datetime ever reaches the hotline's logic."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

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
CONNECT_TIMEOUT_SECONDS = 2  # libpq's smallest
POOL_RECYCLE_SECONDS = 1800
# A best-effort write after the caller has the answer (a failure note) waits this long at most.
BEST_EFFORT_SECONDS = 1.0


def make_engine(url: str, role: Role = Role.WEB) -> Engine:
    """An engine tuned for several processes sharing the database, with the role's limits."""
    limits = LIMITS[role]
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # No pre-ping (a round trip per request): a connection that died is invalidated on
        # its first failure, and the transaction is run again once (Database.run).
        engine = create_engine(
            url,
            hide_parameters=True,  # a failing statement's values never reach a log line
            pool_size=5,
            max_overflow=5,
            pool_timeout=limits.pool_wait_seconds,
            pool_recycle=POOL_RECYCLE_SECONDS,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "options": f"-c statement_timeout={limits.statement_timeout_ms}",
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 2,
                "keepalives_count": 3,
                "tcp_user_timeout": int(limits.checkout_seconds * 1000),
            },
        )
        watch_postgres_checkouts(engine, limits.checkout_seconds)
        return engine
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"DATABASE_URL: unsupported database {parsed.get_backend_name()!r}")
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": limits.lock_wait_seconds}
    )
    _serialise_sqlite_writers(engine, limits)
    return engine


def _serialise_sqlite_writers(engine: Engine, limits: Limits) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so two workers never deadlock on an upgrade."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(limits.lock_wait_seconds * 1000)}")
        cursor.close()
        record.info["busy_timeout_ms"] = int(limits.lock_wait_seconds * 1000)

    default_wait_ms = int(limits.lock_wait_seconds * 1000)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # straight to the driver: this runs for every transaction of every webhook
        pooled = connection.connection
        budget = thread_state().budget
        wait_ms = int(budget * 1000) if budget is not None else default_wait_ms
        if pooled.info.get("busy_timeout_ms") != wait_ms:  # a best-effort write waits less
            pooled.dbapi_connection.execute(f"PRAGMA busy_timeout={wait_ms}")
            pooled.info["busy_timeout_ms"] = wait_ms
        # a reader (Database.reading) must not hold the write lock: with WAL it sees a
        # snapshot and blocks no writer, however long it reads
        pooled.dbapi_connection.execute("BEGIN" if thread_state().reading else "BEGIN IMMEDIATE")


def insert_unless_present(
    session: Session, table: Table, values: dict[str, Any], unique: tuple[str, ...]
) -> None:
    """Race-safe get-or-create: of two workers inserting the same row, one inserts, the
    other's insert is ignored; neither needs a savepoint."""
    dialect = session.get_bind().dialect.name
    session.connection().execute(_insert_ignoring_conflicts(dialect, table, unique), values)


@cache
def _insert_ignoring_conflicts(dialect: str, table: Table, unique: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING (race-safe get-or-create without a savepoint).

    Built once per dialect and table, executed with a parameter dict: on the hot path of every
    call, building a statement (or going through the ORM's bulk insert) costs more than the
    insert itself.
    """
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=list(unique))


def _writer_lock(url: str) -> WriterLock | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return WriterLock(Path(parsed.database).resolve())


def dialect_insert(dialect: str, table: Table) -> Any:
    """The INSERT of the database at hand, which knows ON CONFLICT (both of ours do)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"unsupported database {dialect!r}: use PostgreSQL or SQLite")


class Database:
    """The engine and session factory of one app, with its limits and circuit breaker."""

    def __init__(self, url: str, role: Role = Role.WEB) -> None:
        self.url = url
        self.role = role
        self.engine = make_engine(url, role)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.breaker = CircuitBreaker()
        self._writers = _writer_lock(url)

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
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                    )
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


def epoch_seconds(column: Any, dialect: str) -> Any:
    """Whole seconds since 1970 of a `UTCDateTime` column, computed by the database: much
    cheaper to fetch and compare than datetimes when thousands of rows are read."""
    if dialect == "sqlite":  # stored as naive UTC text
        return cast(func.strftime("%s", column), BigInteger)
    return cast(func.date_part("epoch", column), BigInteger)  # a double: cheaper than EXTRACT


def grouped_integers(column: Any, dialect: str) -> Any:
    """An aggregate of a group's whole numbers in one value: an array on PostgreSQL (psycopg
    reads it as a list of ints), a comma-separated text on SQLite; `integers_of` reads either.
    The order is the rows' order (the same for every such aggregate of one group), which SQL
    does not promise: a reader that needs an order checks it."""
    if dialect == "sqlite":
        return func.group_concat(cast(column, String), ",")
    return func.array_agg(column)


def integers_of(value: str | list[int]) -> list[int]:
    return list(map(int, value.split(","))) if isinstance(value, str) else list(value)
