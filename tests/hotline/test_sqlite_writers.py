"""SQLite writers queue on a file lock: one at a time, handed on at once, bounded waits."""

from __future__ import annotations

import threading
import time

import pytest

from hotline.sqlite_writers import WriterLock, WriterQueueTimeout


def test_a_second_writer_waits_and_gets_the_lock_as_soon_as_it_is_free(tmp_path):
    lock = WriterLock(tmp_path / "hotline.db")
    order: list[str] = []
    first_holds = threading.Event()

    def first() -> None:
        with lock.held(1.0):
            first_holds.set()
            time.sleep(0.05)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait()
    started = time.monotonic()
    with lock.held(1.0):
        waited = time.monotonic() - started
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]
    assert 0.03 < waited < 0.2  # handed on as soon as it is free, not after a long sleep


def test_a_writer_that_waits_too_long_gives_up_with_a_clear_error(tmp_path):
    lock = WriterLock(tmp_path / "hotline.db")
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with lock.held(1.0):
            holding.set()
            release.wait()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait()
    started = time.monotonic()
    with pytest.raises(WriterQueueTimeout), lock.held(0.1):
        pass
    assert time.monotonic() - started < 0.3
    release.set()
    thread.join()


def test_concurrent_webhooks_on_sqlite_are_all_written(app, svc):
    """Eight workers' worth of calls at once: every one recorded, none refused."""
    if svc.database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's writer queue")
    from sqlalchemy import func, select

    from hotline.telephony.models import Call
    from tests.support.twilio import TwilioRequests

    answers: list[int] = []

    def caller(number: int) -> None:
        requests = TwilioRequests(app.test_client())
        for index in range(10):
            answers.append(requests.incoming(f"CA{number:02d}{index:02d}" + "0" * 28).status_code)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 80
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 80


def test_a_long_reader_holds_up_no_writer(svc, create_case):
    """Console reports read in `Database.reading()`: a webhook's write goes through while a
    report still reads (SQLite: no write lock, WAL snapshot), and the reader keeps its view."""
    from sqlalchemy import func, select

    from hotline.cases.models import Case

    create_case()
    reading, written = threading.Event(), threading.Event()
    seen: list[int] = []

    def report() -> None:
        with svc.database.reading() as session:
            seen.append(session.scalar(select(func.count()).select_from(Case)))
            reading.set()
            written.wait(5)
            seen.append(session.scalar(select(func.count()).select_from(Case)))

    thread = threading.Thread(target=report)
    thread.start()
    assert reading.wait(5)
    started = time.monotonic()
    create_case()
    assert time.monotonic() - started < 1.0
    written.set()
    thread.join()
    assert seen == [1, 1]  # a snapshot: the report's figures agree with each other
    with svc.database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2
