"""Work due now is picked up within a second: PostgreSQL wakes the dispatcher on commit."""

from __future__ import annotations

import threading
import time

from hotline.outbox import side_effects
from scheduling.scheduler.wakers import make_waker


def test_the_commit_that_queues_work_ends_the_dispatchers_wait(svc, clock, factories):
    waker = make_waker(svc.database, poll_seconds=0.25)
    waited: list[float] = []
    ready = threading.Event()

    def wait() -> None:
        ready.set()
        started = time.monotonic()
        waker.wait(5.0)
        waited.append(time.monotonic() - started)

    if svc.database.engine.dialect.name == "postgresql":
        waker.wait(0)  # LISTEN before anything is queued
    thread = threading.Thread(target=wait)
    thread.start()
    ready.wait()
    time.sleep(0.1)
    factories.queued(side_effects.end_call("end:9", call_sid="CA" + "9" * 32, due_at=clock.now()))
    thread.join(timeout=6)
    waker.close()
    assert waited and waited[0] < 1.0  # notified on PostgreSQL, a 0.25 s poll on SQLite


def test_a_wait_ends_at_once_when_woken(svc):
    waker = make_waker(svc.database, poll_seconds=10)
    threading.Timer(0.1, waker.wake).start()
    started = time.monotonic()
    waker.wait(5.0)
    waker.close()
    assert time.monotonic() - started < 2.0
