"""One SQLite writer at a time, queued on an OS file lock that is polled finely.

SQLite lets one transaction write at a time; the others wait in its busy handler, which sleeps
1, 2, 5, 10 ms and longer between tries. A webhook holds the write lock for well under a
millisecond, so under load the waiters sleep far longer than the lock is held, and the CPUs
idle while callers wait. Queuing the service's own writers on a `flock` polled every fraction
of a millisecond hands the lock on almost as soon as it is free. SQLite's own lock still
protects the file against writers that do not take this one (an operator's sqlite3 shell).
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIRST_PAUSE_SECONDS = 0.00005
LONGEST_PAUSE_SECONDS = 0.0005


class WriterQueueTimeout(TimeoutError):
    """Another writer held the database longer than this one may wait."""


class WriterLock:
    """A lock file beside the database; each thread holds its own descriptor of it (flock
    locks belong to an open file, so two threads of one process exclude each other too)."""

    def __init__(self, database_path: Path) -> None:
        self.path = database_path.with_name(database_path.name + ".writer-lock")
        self._local = threading.local()

    @contextmanager
    def held(self, wait_seconds: float) -> Iterator[None]:
        descriptor = self._descriptor()
        self._acquire(descriptor, wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        descriptor = getattr(self._local, "descriptor", None)
        if descriptor is None:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._local.descriptor = descriptor
        return descriptor

    @staticmethod
    def _acquire(descriptor: int, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
            if time.monotonic() >= deadline:
                raise WriterQueueTimeout("another writer held the database too long")
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
