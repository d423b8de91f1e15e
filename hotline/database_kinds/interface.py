"""What differs between the two databases the hotline runs on, as one interface.

The service runs on PostgreSQL in production and on SQLite on a laptop, in the simulator and
in half of every test run. Most SQL is the same on both; what is not is named here once, and
`postgresql.py` and `sqlite.py` each say how their database does it. Code elsewhere asks the
database's kind (`kind_of(session)`, `Database.kind`) and never asks which database it is.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from hotline.db import Limits
    from hotline.sqlite_writers import WriterLock

T = TypeVar("T")
SelectT = TypeVar("SelectT", bound=Select[Any])

# An INSERT that knows ON CONFLICT: `on_conflict_do_nothing`, `on_conflict_do_update` and
# `excluded` are spelled alike on both databases.
OnConflictInsert = postgresql.Insert | sqlite.Insert


@dataclass(frozen=True)
class ByKind(Generic[T]):
    """One thing for each kind of database, for a layer above the core whose own classes
    differ by database (the scheduler's leader election and its wakers): the kind picks,
    so that the layer keeps its classes and still has no branch of its own. Every kind must
    be named, so a third kind could not be forgotten in one place."""

    postgresql: T
    sqlite: T


class DatabaseKind(Hashable, Protocol):
    """The concerns in which PostgreSQL and SQLite differ. One implementation per database,
    chosen once per engine from its URL (`kind_for_url`) and found again from a session or
    connection by a dictionary read (`kind_of`): asking costs no query. Statements built of
    a kind's parts are cached per kind, hence hashable."""

    # An ALTER TABLE beyond adding a column is a copy of the table here: migrations change
    # tables in batches (Alembic's `batch_alter_table` renders as a copy-and-move).
    alters_tables_by_copying: bool

    # --- engines and transactions -------------------------------------------------------
    def make_engine(self, url: str, limits: Limits) -> Engine:
        """An engine tuned for several processes sharing the database, with these limits."""
        ...

    def writer_queue(self, url: str) -> WriterLock | None:
        """The queue the service's writers wait in before they begin (None: the database
        lets writers work side by side and queues them itself)."""
        ...

    def begin_reading(self, connection: Connection) -> None:
        """Make the transaction just begun on `connection` one that only reads one
        snapshot (`Database.reading`)."""
        ...

    def foreign_keys_unchecked(self, connection: Connection) -> AbstractContextManager[None]:
        """Around a migration's transaction: foreign keys that a table copy would trip over
        are not checked while it runs (see `rows_pointing_nowhere`)."""
        ...

    def rows_pointing_nowhere(self, connection: Connection) -> str | None:
        """Before a migration commits: a table with a row whose foreign key points nowhere,
        or None (a database that checks every statement always answers None)."""
        ...

    # --- writing and locking --------------------------------------------------------------
    def insert(self, table: Table) -> OnConflictInsert:
        """The INSERT of this database, which knows ON CONFLICT (race-safe get-or-create and
        upserts without a savepoint)."""
        ...

    def hold_transaction_lock(self, session: Session, key: int) -> None:
        """Wait until no other transaction holds the lock `key`, and hold it until this
        transaction ends (callers taking turns over a decision: routing, booking)."""
        ...

    def skipping_locked_rows(self, query: SelectT) -> SelectT:
        """`query`, locking the rows it selects for this transaction and passing over rows
        another transaction holds, instead of waiting for them (claiming work)."""
        ...

    def notify(self, connection: Connection, channel: str) -> None:
        """Wake whoever listens on `channel` once this transaction commits (new work). A
        database that cannot is polled instead. `channel` is an identifier of ours, never
        input."""
        ...

    def plan_every_execution(self, session: Session) -> None:
        """For the rest of this transaction, plan each statement for the values it is given
        rather than once for any values (long reports over ranges of very different size)."""
        ...

    # --- expressions ------------------------------------------------------------------------
    def epoch_seconds(self, column: Any) -> ColumnElement[int]:
        """Whole seconds since 1970 of a `UTCDateTime` column, computed by the database:
        much cheaper to fetch and compare than datetimes when thousands of rows are read."""
        ...

    def whole_seconds_between(self, later: Any, earlier: Any) -> ColumnElement[int]:
        """Whole seconds from `earlier` to `later` (`UTCDateTime`s), cut off as a stopwatch
        would (59.9 s is 59 s), exactly alike on both databases: figures of the same rows
        must not differ by where they are kept."""
        ...

    def grouped_integers(self, column: Any) -> ColumnElement[Any]:
        """An aggregate of a group's whole numbers in one value, which `hotline.db.integers_of`
        reads. The order is the rows' order (the same for every such aggregate of one group),
        which SQL does not promise: a reader that needs an order checks it."""
        ...

    def percentiles(self, fractions: Sequence[float], value: Any) -> ColumnElement[Any] | None:
        """An aggregate of the group's percentiles of `value` at `fractions`, interpolated
        linearly (one list per group), or None where the database has no such aggregate:
        the caller then interpolates from counts it reads."""
        ...

    def database_now(self, connection: Connection) -> datetime:
        """The database server's own clock at this moment, aware UTC (not the start of the
        transaction): `hotline doctor` compares it with the machine's."""
        ...

    # --- layers above the core --------------------------------------------------------------
    def pick(self, choices: ByKind[T]) -> T:
        """This kind's entry of `choices`."""
        ...
