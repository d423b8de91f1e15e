"""Client-side limits on how long the service waits for a database that stops answering.

A PostgreSQL server that hangs, or a network that drops packets, returns no error: the
server's own `statement_timeout` is enforced by the server that is silent, `connect_timeout`
only covers new connections, and keepalives are answered by any kernel or proxy in between.
A webhook waiting on such a connection would outlive Twilio's 15 s, and the caller would hear
Twilio's generic error instead of our apology with the e-mail address and 110. So:

- every checked-out PostgreSQL connection gets a deadline (the role's budget, or a tighter one
  for best-effort writes); a watchdog thread shuts down the socket of a connection that is
  past it, and the driver call waiting on it fails at once;
- after such a cut (or a pool that has no connection to give) a circuit breaker answers
  "unavailable" at once for a few seconds, so that the next callers do not wait the whole
  budget again, then lets one request try.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

WATCH_INTERVAL_SECONDS = 0.05


class DatabaseUnavailable(RuntimeError):
    """The database did not answer in time lately; try again in a few seconds."""


@dataclass
class _ThreadState:
    """Per thread: a budget that overrides the role's, and whether the watchdog cut in."""

    budget: float | None = None
    cut: bool = False
    reading: bool = False  # a read-only transaction: SQLite begins it without the write lock


_state = threading.local()


def thread_state() -> _ThreadState:
    state = getattr(_state, "value", None)
    if state is None:
        state = _state.value = _ThreadState()
    return state


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Connections checked out inside the block may wait `seconds` at most (this thread)."""
    state = thread_state()
    previous = state.budget
    state.budget = seconds if previous is None else min(previous, seconds)
    try:
        yield
    finally:
        state.budget = previous


@dataclass
class _Watched:
    deadline: float
    fileno: int
    owner: _ThreadState


@dataclass
class ConnectionWatchdog:
    """One per process: cuts connections that are checked out past their deadline."""

    _watched: dict[int, _Watched] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def watch(self, key: int, fileno: int, seconds: float) -> None:
        owner = thread_state()
        owner.cut = False
        with self._lock:
            self._watched[key] = _Watched(time.monotonic() + seconds, fileno, owner)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="database-watchdog", daemon=True
                )
                self._thread.start()

    def release(self, key: int) -> None:
        with self._lock:
            self._watched.pop(key, None)

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            now = time.monotonic()
            # Under the lock: a connection still listed is still checked out by its owner,
            # so the socket cut below is the one that owner is waiting on.
            with self._lock:
                for key, watched in list(self._watched.items()):
                    if watched.deadline <= now:
                        del self._watched[key]
                        watched.owner.cut = True
                        _shut_down(watched.fileno)


def _shut_down(fileno: int) -> None:
    """Shut the socket down (not close: the driver still owns the descriptor)."""
    try:
        duplicate = socket.socket(fileno=socket.dup(fileno))
    except OSError:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
        log.error("the database did not answer in time: connection cut")
    except OSError:
        pass
    finally:
        duplicate.close()


WATCHDOG = ConnectionWatchdog()


class CircuitBreaker:
    """Open for `cool_down` seconds after the database failed to answer in time."""

    def __init__(self, cool_down: float = 3.0) -> None:
        self.cool_down = cool_down
        self._open_until = 0.0

    def check(self) -> None:
        if time.monotonic() < self._open_until:
            raise DatabaseUnavailable("the database did not answer in time a moment ago")

    def trip(self) -> None:
        self._open_until = time.monotonic() + self.cool_down
        log.error("database marked unavailable", extra={"seconds": self.cool_down})

    def reset(self) -> None:
        self._open_until = 0.0


def watch_postgres_checkouts(engine: Any, default_budget: float) -> None:
    """Register the engine's checkouts with the watchdog (PostgreSQL connections only)."""
    from sqlalchemy import event

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        seconds = thread_state().budget or default_budget
        try:
            fileno = dbapi_connection.fileno()
        except Exception:  # a broken connection: the statement will fail by itself
            return
        WATCHDOG.watch(id(record), fileno, seconds)

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        WATCHDOG.release(id(record))
