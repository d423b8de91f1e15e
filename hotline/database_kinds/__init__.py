"""The kind of database a URL, an engine or a session works with: PostgreSQL or SQLite.

Everything in which the two differ (engines, the writers' queue, transaction locks, claiming
rows, waking listeners, upserts, the SQL for time and aggregates) is a method of the kind
(`interface.DatabaseKind`), so the rest of the service never asks which database it runs on.
This module is the one place that chooses: `Database` takes its kind from the URL once, when
it is made, and `kind_of(session)` finds the same one by the engine's dialect, a dictionary
read on the hot path of every webhook: no query, and nothing added to each transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hotline.database_kinds.interface import ByKind, DatabaseKind, OnConflictInsert
from hotline.database_kinds.postgresql import POSTGRESQL
from hotline.database_kinds.sqlite import SQLITE

__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "ByKind",
    "DatabaseKind",
    "OnConflictInsert",
    "kind_for_url",
    "kind_of",
]

# SQLAlchemy's backend names ("postgresql+psycopg" is "postgresql") to the kinds.
_KINDS: dict[str, DatabaseKind] = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def kind_for_url(url: str) -> DatabaseKind:
    """The kind of the database at `url`; ValueError for a database the service does not
    run on."""
    name = make_url(url).get_backend_name()
    kind = _KINDS.get(name)
    if kind is None:
        raise ValueError(f"DATABASE_URL: unsupported database {name!r}")
    return kind


def kind_of(bind: Session | Connection) -> DatabaseKind:
    """The kind of database `bind` works with; asks the database nothing."""
    if isinstance(bind, Session):
        # a session of `Database` is bound to its transaction's connection
        return _KINDS[(bind.bind or bind.get_bind()).dialect.name]
    return _KINDS[bind.dialect.name]
