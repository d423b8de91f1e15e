"""The line's protection state (one row): flood mode and the blocks' version counter.

Every incoming call reads it once (one primary-key lookup); whatever changes it writes it in
its own transaction, so every worker sees the same state at its next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from hotline.abuse.models import LineProtection
from hotline.database_kinds import kind_of

_PROTECTION: Table = LineProtection.__table__  # type: ignore[assignment]
_STATE = select(
    _PROTECTION.c.flood_on,
    _PROTECTION.c.flood_since,
    _PROTECTION.c.flood_automatic,
    _PROTECTION.c.flood_calm_since,
    _PROTECTION.c.blocks_version,
    _PROTECTION.c.bookings_held_since,
).where(_PROTECTION.c.id == 1)


@dataclass(frozen=True)
class ProtectionState:
    flood_on: bool = False
    flood_since: datetime | None = None  # since when flood mode is on (or off again)
    flood_automatic: bool = False  # switched by the thresholds, not by an admin
    flood_calm_since: datetime | None = None
    blocks_version: int = 0
    bookings_held_since: datetime | None = None  # a burst: bookings wait for confirmation


def protection_state(session: Session) -> ProtectionState:
    row = session.connection().execute(_STATE).one_or_none()
    return ProtectionState(*row) if row else ProtectionState()


# What every incoming call reads: the same SQL on both databases, no parameters, no types to
# convert, so it goes straight to the driver on the transaction's own connection (a Core
# statement costs several times the read itself: `bench/protection.py`).
_SCREEN_SQL = "SELECT flood_on, blocks_version FROM line_protection WHERE id = 1"


def screen_state(session: Session) -> tuple[bool, int]:
    """(flood mode on, the blocks' version): all the screen of a call needs of the row."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_SCREEN_SQL)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return (bool(row[0]), int(row[1])) if row else (False, 0)


def write_protection(session: Session, **fields: Any) -> None:
    """Set fields of the one row (made if missing)."""
    statement = kind_of(session).insert(_PROTECTION).values(id=1, **fields)
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=fields))


def note_blocks_changed(session: Session) -> None:
    """In the transaction of every new, lifted or ended block: workers reload their list."""
    statement = kind_of(session).insert(_PROTECTION).values(id=1, blocks_version=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"blocks_version": _PROTECTION.c.blocks_version + 1}
        )
    )
