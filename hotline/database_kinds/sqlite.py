"""SQLite, the database of a laptop, the simulator and half of every test run: one writer at
a time (so no locks of its own are needed), no notifications, no percentiles, datetimes kept
as naive UTC text."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    cast,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hotline.database_kinds.interface import ByKind, SelectT, T
from hotline.db_guard import thread_state
from hotline.sqlite_writers import WriterLock

if TYPE_CHECKING:
    from hotline.db import Limits

_IN_MEMORY = (None, "", ":memory:")


class SQLite:
    """SQLite through the standard library's driver (`sqlite:///path`)."""

    alters_tables_by_copying = True

    def __repr__(self) -> str:
        return "SQLite"

    def make_engine(self, url: str, limits: Limits) -> Engine:
        database = make_url(url).database
        if database not in _IN_MEMORY:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, hide_parameters=True, connect_args={"timeout": limits.lock_wait_seconds}
        )
        _serialise_writers(engine, limits)
        return engine

    def writer_queue(self, url: str) -> WriterLock | None:
        """The file lock beside the database (see `hotline.sqlite_writers`); none for a
        database in memory, which one process has to itself."""
        database = make_url(url).database
        return None if database in _IN_MEMORY else WriterLock(Path(database).resolve())

    def begin_reading(self, connection: Connection) -> None:
        pass  # begun without the write lock (`thread_state().reading`); WAL gives a snapshot

    def foreign_keys_unchecked(self, connection: Connection) -> AbstractContextManager[None]:
        # altering a table referenced by others means copying it, which its foreign keys
        # would refuse (SQLite's documented way to alter a schema)
        return _foreign_keys_off(connection)

    def rows_pointing_nowhere(self, connection: Connection) -> str | None:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        return broken[0][0] if broken else None

    def insert(self, table: Table) -> sqlite.Insert:
        return sqlite.insert(table)

    def hold_transaction_lock(self, session: Session, key: int) -> None:
        pass  # every writing transaction begins IMMEDIATE: it holds the one write lock already

    def skipping_locked_rows(self, query: SelectT) -> SelectT:
        return query  # one writer at a time: no row is held by another

    def notify(self, connection: Connection, channel: str) -> None:
        pass  # no notifications: the listener polls

    def plan_every_execution(self, session: Session) -> None:
        pass  # SQLite has no plan cache that outlives a statement's parameters

    def epoch_seconds(self, column: Any) -> ColumnElement[int]:
        return cast(func.strftime("%s", column), BigInteger)  # stored as naive UTC text

    def whole_seconds_between(self, later: Any, earlier: Any) -> ColumnElement[int]:
        # kept as "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds apart, less one when the
        # fraction of a second of the later one is smaller (compared as text, same length)
        whole = _text_epoch_seconds(later) - _text_epoch_seconds(earlier)
        return whole - cast(func.substr(later, 20) < func.substr(earlier, 20), Integer)

    def grouped_integers(self, column: Any) -> ColumnElement[Any]:
        return func.group_concat(cast(column, String), ",")  # a comma-separated text

    def percentiles(self, fractions: Sequence[float], value: Any) -> ColumnElement[Any] | None:
        return None

    def database_now(self, connection: Connection) -> datetime:
        # the machine's own clock, read by the library in this process
        reading = connection.execute(_NOW).scalar_one()
        return datetime.fromisoformat(reading).replace(tzinfo=UTC)

    def pick(self, choices: ByKind[T]) -> T:
        return choices.sqlite


_NOW = text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")


def _text_epoch_seconds(column: Any) -> ColumnElement[int]:
    return cast(func.strftime("%s", column), Integer)


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    raw = connection.connection.dbapi_connection
    assert raw is not None  # a connection that is open
    raw.execute("PRAGMA foreign_keys=OFF")  # before the transaction: inside, a no-op
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _serialise_writers(engine: Engine, limits: Limits) -> None:
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


SQLITE = SQLite()
