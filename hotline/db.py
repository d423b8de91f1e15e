"""Database engine, sessions and the column types every model shares.

One transaction per webhook request or job (`Database.transaction()`); side effects such as
outbound calls happen after it commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

from hotline.clock import as_utc


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


# A web request that cannot get the database within a few seconds gives up, so that the
# caller still hears the safe answer long before Twilio's 15 s run out.
LIMITS = {
    Role.WEB: Limits(statement_timeout_ms=5_000, lock_wait_seconds=5),
    Role.CLI: Limits(statement_timeout_ms=0, lock_wait_seconds=30),
    Role.SCHEDULER: Limits(statement_timeout_ms=60_000, lock_wait_seconds=15),
}


def make_engine(url: str, role: Role = Role.WEB) -> Engine:
    """An engine tuned for several processes sharing the database, with the role's limits."""
    limits = LIMITS[role]
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={
                "connect_timeout": 3,
                "options": f"-c statement_timeout={limits.statement_timeout_ms}",
            },
        )
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"DATABASE_URL: unsupported database {parsed.get_backend_name()!r}")
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": limits.lock_wait_seconds})
    _serialise_sqlite_writers(engine, limits)
    return engine


def _serialise_sqlite_writers(engine: Engine, limits: Limits) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so two workers never deadlock on an upgrade."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(limits.lock_wait_seconds * 1000)}")
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

    def __init__(self, url: str, role: Role = Role.WEB) -> None:
        self.url = url
        self.role = role
        self.engine = make_engine(url, role)
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
