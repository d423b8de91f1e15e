"""One lock for every booking of a counsellor's time (callbacks and appointments alike).

Booking reads what is free and then writes; two bookings doing that at once could both see
the last place. Under this lock they take turns, so the second sees the first's row. On
PostgreSQL it is a transaction-scoped advisory lock (released by the commit or rollback); on
SQLite every transaction already begins IMMEDIATE and so holds the one write lock from its
start (`hotline.database_kinds.sqlite`). Bookings are a few per hour, so one lock for all of
them costs nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.database_kinds import kind_of

BOOKING_LOCK_KEY = 0x53_54_41_52_4B_45  # "STARKE": any fixed number, used by nothing else


def hold_booking_lock(session: Session) -> None:
    """Wait until no other transaction books, and keep them waiting until this one ends."""
    kind_of(session).hold_transaction_lock(session, BOOKING_LOCK_KEY)


class SlotTaken(Exception):
    """The slot is not (or no longer) free: someone else took the last place."""
