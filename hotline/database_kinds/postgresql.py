"""PostgreSQL, the production database: many writers side by side, advisory locks,
`NOTIFY`, `FOR UPDATE SKIP LOCKED`, percentiles in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Table,
    TextClause,
    cast,
    create_engine,
    func,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from hotline.database_kinds.interface import ByKind, SelectT, T
from hotline.db_guard import watch_postgres_checkouts

if TYPE_CHECKING:
    from hotline.db import Limits
    from hotline.sqlite_writers import WriterLock

CONNECT_TIMEOUT_SECONDS = 2  # libpq's smallest
POOL_RECYCLE_SECONDS = 1800
_TRANSACTION_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_PLAN_EVERY_EXECUTION = text("SET LOCAL plan_cache_mode = force_custom_plan")
_READ_ONE_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"


class PostgreSQL:
    """PostgreSQL through psycopg (`postgresql+psycopg://…`)."""

    alters_tables_by_copying = False

    def __repr__(self) -> str:
        return "PostgreSQL"

    def make_engine(self, url: str, limits: Limits) -> Engine:
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
        # a silent server returns no error by itself: the watchdog cuts a connection held
        # longer than the role allows
        watch_postgres_checkouts(engine, limits.checkout_seconds)
        return engine

    def writer_queue(self, url: str) -> WriterLock | None:
        return None  # writers work side by side; row locks order them where they meet

    def begin_reading(self, connection: Connection) -> None:
        connection.exec_driver_sql(_READ_ONE_SNAPSHOT)

    def foreign_keys_unchecked(self, connection: Connection) -> AbstractContextManager[None]:
        return nullcontext()  # ALTER TABLE alters in place: nothing to switch off

    def rows_pointing_nowhere(self, connection: Connection) -> str | None:
        return None  # every statement was checked

    def insert(self, table: Table) -> postgresql.Insert:
        return postgresql.insert(table)

    def hold_transaction_lock(self, session: Session, key: int) -> None:
        # through the session, so that what it holds is flushed first (as every statement)
        session.execute(_TRANSACTION_LOCK, {"key": key})

    def skipping_locked_rows(self, query: SelectT) -> SelectT:
        return query.with_for_update(skip_locked=True)

    def notify(self, connection: Connection, channel: str) -> None:
        connection.execute(_notify(channel))  # sent when the transaction commits

    def plan_every_execution(self, session: Session) -> None:
        # psycopg prepares a statement that has run five times on a connection, and the
        # server then soon plans it once for all parameters (SET LOCAL: this transaction)
        session.execute(_PLAN_EVERY_EXECUTION)

    def epoch_seconds(self, column: Any) -> ColumnElement[int]:
        return cast(func.date_part("epoch", column), BigInteger)  # a double: cheaper than EXTRACT

    def whole_seconds_between(self, later: Any, earlier: Any) -> ColumnElement[int]:
        return func.trunc(func.date_part("epoch", later - earlier))

    def grouped_integers(self, column: Any) -> ColumnElement[Any]:
        return func.array_agg(column)  # psycopg reads it as a list of ints

    def percentiles(self, fractions: Sequence[float], value: Any) -> ColumnElement[Any] | None:
        return func.percentile_cont(postgresql.array(list(fractions))).within_group(value)

    def database_now(self, connection: Connection) -> datetime:
        moment = connection.execute(_CLOCK_TIMESTAMP).scalar_one()
        return moment.astimezone(UTC)  # timestamptz: aware, in the session's zone

    def pick(self, choices: ByKind[T]) -> T:
        return choices.postgresql


_CLOCK_TIMESTAMP = text("SELECT clock_timestamp()")  # now(), not the transaction's start


@cache
def _notify(channel: str) -> TextClause:
    return text(f"NOTIFY {channel}")


POSTGRESQL = PostgreSQL()
