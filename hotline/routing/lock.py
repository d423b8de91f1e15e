"""One lock for every decision about who is rung (callers and callbacks alike).

Deciding reads who waits and who is free, then writes the rings; two deciders doing that at
once could ring one counsellor for two callers. Under this lock they take turns. On
PostgreSQL it is a transaction-scoped advisory lock, taken first in every transaction that
changes the line or a counsellor's state, so that no transaction holds a row another one
needs while it waits for the lock; on SQLite every transaction begins IMMEDIATE and so holds
the one write lock from its start (`hotline.database_kinds.sqlite`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.database_kinds import kind_of

ROUTING_LOCK_KEY = 0x52_4F_55_54_45  # "ROUTE": any fixed number, used by nothing else
_HELD = "routing_lock_held"


def hold_routing_lock(session: Session) -> None:
    """Wait until no other transaction decides, and keep them waiting until this one ends.
    Taking it twice in one transaction is free."""
    if session.info.get(_HELD):
        return
    kind_of(session).hold_transaction_lock(session, ROUTING_LOCK_KEY)
    session.info[_HELD] = True  # a session here is one transaction (`Database.transaction`)
