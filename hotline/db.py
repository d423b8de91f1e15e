"""Database engine, sessions and the column types every model shares.

One transaction per webhook request or job (`Database.transaction()`); side effects such as
outbound calls happen after it commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator


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


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC: no naive datetime ever reaches the hotline's logic."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Twilio waits 15 s for an answer: a request that cannot get the database within a few
# seconds gives up, so that the caller still hears the safe answer (which, in the worst case,
# waits once more for recording the failure).
LOCK_WAIT_SECONDS = 5


def make_engine(url: str) -> Engine:
    """An engine tuned for several web workers sharing the database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 3, "options": "-c statement_timeout=5000"},
        )
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"DATABASE_URL: unsupported database {parsed.get_backend_name()!r}")
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_SECONDS})
    _serialise_sqlite_writers(engine)
    return engine


def _serialise_sqlite_writers(engine: Engine) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so two workers never deadlock on an upgrade."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # straight to the driver: this runs for every transaction of every webhook
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")


def insert_unless_present(
    session: Session, table: Table, values: dict[str, Any], unique: tuple[str, ...]
) -> None:
    """Race-safe get-or-create: of two workers inserting the same row, one inserts, the
    other's insert is ignored; neither needs a savepoint."""
    dialect = session.get_bind().dialect.name
    session.execute(_insert_ignoring_conflicts(dialect, table, unique), values)


@cache
def _insert_ignoring_conflicts(dialect: str, table: Table, unique: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING (race-safe get-or-create without a savepoint).

    Built once per dialect and table, executed with a parameter dict: on the hot path of every
    call, building a statement (or going through the ORM's bulk insert) costs more than the
    insert itself.
    """
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=list(unique))


def dialect_insert(dialect: str, table: Table) -> Any:
    """The INSERT of the database at hand, which knows ON CONFLICT (both of ours do)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"unsupported database {dialect!r}: use PostgreSQL or SQLite")


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception.

        The connection owns the transaction and the session joins it: cheaper than a session
        transaction, which matters on the path of every webhook.
        """
        with self.engine.begin() as connection, self.sessions(bind=connection) as session:
            yield session
            session.flush()

    def dispose(self) -> None:
        self.engine.dispose()
