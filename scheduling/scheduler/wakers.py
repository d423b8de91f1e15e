"""How the dispatcher waits between rounds, and what ends the wait early.

PostgreSQL: `LISTEN` on a connection of its own; `enqueue` sends `NOTIFY` in the writer's
transaction, so the commit that queues work due now wakes the dispatcher at once. SQLite has
no notifications: the dispatcher looks again after a short poll. Either way `wake()` ends a
wait at once (shutdown, tests).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from hotline.database_kinds import ByKind
from hotline.db import Database
from hotline.outbox.queue import WAKE_CHANNEL
from scheduling.scheduler.leadership import dedicated_connection

log = logging.getLogger(__name__)


class PollingWaker:
    """Waits at most `poll_seconds` at a time (SQLite)."""

    def __init__(self, poll_seconds: float) -> None:
        self._poll = poll_seconds
        self._woken = threading.Event()

    def wait(self, seconds: float) -> None:
        self._woken.wait(min(seconds, self._poll))
        self._woken.clear()

    def wake(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self.wake()


class NotifiedWaker:
    """Waits for a NOTIFY on the work channel, or the timeout (PostgreSQL)."""

    def __init__(self, database: Database, poll_seconds: float) -> None:
        self._database = database
        self._poll = poll_seconds
        self._woken = threading.Event()
        self._connection: Any = None

    def wait(self, seconds: float) -> None:
        if self._woken.is_set():
            self._woken.clear()
            return
        try:
            connection = self._listening()
            for _notice in connection.notifies(timeout=seconds, stop_after=1):
                break
            # notifications that arrived together belong to the same round
            for _notice in connection.notifies(timeout=0):
                pass
        except psycopg.Error:
            log.warning("lost the notification connection; polling until it is back")
            self._close_connection()
            self._woken.wait(min(seconds, self._poll))
        self._woken.clear()

    def wake(self) -> None:
        """End a wait from another thread (the notification connection may be busy)."""
        self._woken.set()
        if self._connection is not None:
            try:
                with dedicated_connection(self._database) as other:
                    other.execute(f"NOTIFY {WAKE_CHANNEL}")
            except psycopg.Error:
                pass

    def close(self) -> None:
        self._woken.set()
        self._close_connection()

    def _listening(self) -> Any:
        if self._connection is None or self._connection.closed:
            self._connection = dedicated_connection(self._database)
            self._connection.execute(f"LISTEN {WAKE_CHANNEL}")
        return self._connection

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None


Waker = PollingWaker | NotifiedWaker


def _polling(database: Database, poll_seconds: float) -> Waker:
    return PollingWaker(poll_seconds)


# How the dispatcher on each kind of database learns of new work (see above); `enqueue`
# notifies through the same kind (`DatabaseKind.notify`).
_WAKERS: ByKind[Callable[[Database, float], Waker]] = ByKind(
    postgresql=NotifiedWaker, sqlite=_polling
)


def make_waker(database: Database, poll_seconds: float) -> Waker:
    """The dispatcher's waker: its database's kind picks."""
    return database.kind.pick(_WAKERS)(database, poll_seconds)
