"""The scheduler under load: 1,000 calls due at once, and how soon a due call goes out.

Real `hotline scheduler` processes (one, or an active one and a standby) work against a fresh
database and the local fake Twilio server (`tests/support/fake_twilio.py`), which runs in this
process and counts the requests per work item. Two figures per database:

- **burst**: 1,000 `place_call` items committed at once; seconds until all are done, and
  duplicate requests (a work item requested more than once);
- **latency**: 200 items committed one by one, 50 ms apart, each due at once; from the commit
  to the fake Twilio receiving its request, p50 and p99 (same machine, same monotonic clock).

Run alone with `python -m bench.outbox`; `make bench` runs it last (`BENCH_OUTBOX=0` skips it).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from bench.databases import chosen_backends, fresh_database
from hotline import migrate
from hotline.crypto import DataCipher, generate_key
from hotline.db import Database
from hotline.outbox import side_effects
from hotline.outbox.models import WorkItem, WorkState
from hotline.outbox.queue import enqueue
from hotline.schema import metadata
from tests.support.fake_twilio import FakeTwilio, FakeTwilioServer
from tests.support.processes import SchedulerProcesses, wait_for

POSTGRES_DATABASE = "bench_outbox"
BURST = int(os.environ.get("BENCH_OUTBOX_BURST", "1000"))
SPACED = int(os.environ.get("BENCH_OUTBOX_SPACED", "200"))
SPACING_SECONDS = 0.05
BURST_TARGET_SECONDS = 10.0
LATENCY_TARGET_MS = 1000.0


@dataclass(frozen=True)
class BurstResult:
    backend: str
    schedulers: int
    seconds: float
    duplicates: int
    done: int


@dataclass(frozen=True)
class LatencyResult:
    backend: str
    p50_ms: float
    p99_ms: float
    count: int


@contextmanager
def schedulers(
    url: str, key: str, fake: FakeTwilio, folder: Path, count: int
) -> Iterator[SchedulerProcesses]:
    environment = {
        "HOTLINE_ENV": "testing",
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": "https://hotline.example.org",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "bench-token",
        "TWILIO_API_BASE_URL": fake.url,
        "HOTLINE_DATA_KEY": key,
        "SECRET_KEY": "bench",
        "HOTLINE_CONFIG": "",
        "HOTLINE_INSTANCE_PATH": str(folder / "instance"),
        "LOG_LEVEL": "WARNING",
    }
    processes = SchedulerProcesses(environment, folder)
    try:
        for _ in range(count):
            processes.start()
        database = Database(url)
        wait_for(lambda: _active(database), 30, "an active scheduler")
        database.dispose()
        yield processes
    finally:
        processes.stop_all()


def _active(database: Database) -> bool:
    with database.transaction() as session:
        return bool(session.scalar(text("SELECT count(*) FROM scheduler_nodes WHERE active")))


def queue(database: Database, cipher: DataCipher, keys: list[str]) -> None:
    now = datetime.now(UTC)
    with database.transaction() as session:
        for key in keys:
            work = side_effects.place_call(key, to="+4922812345678", answer_path="x", due_at=now)
            enqueue(session, cipher, now, work)


def done_count(database: Database) -> int:
    with database.transaction() as session:
        return session.scalar(
            select(func.count()).select_from(WorkItem).where(WorkItem.state == WorkState.DONE)
        )


def burst(backend: str, folder: Path, scheduler_count: int) -> BurstResult:
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    database, cipher = Database(url), DataCipher([key])
    migrate.upgrade(database.engine)
    with FakeTwilioServer() as fake, schedulers(url, key, fake, folder, scheduler_count):
        before = done_count(database)
        started = time.monotonic()
        queue(database, cipher, [f"burst:{n}" for n in range(BURST)])
        wait_for(lambda: done_count(database) - before >= BURST, 120, "the burst to be done")
        seconds = time.monotonic() - started
        per_item = fake.requests_per_work_item()
    database.dispose()
    duplicates = sum(count - 1 for count in per_item.values())
    return BurstResult(backend, scheduler_count, seconds, duplicates, len(per_item))


def latency(backend: str, folder: Path) -> LatencyResult:
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    database, cipher = Database(url), DataCipher([key])
    migrate.upgrade(database.engine)
    committed: dict[int, float] = {}
    with FakeTwilioServer() as fake, schedulers(url, key, fake, folder, 1):
        for number in range(SPACED):
            work_key = f"spaced:{number}"
            queue(database, cipher, [work_key])
            committed[_item_id(database, work_key)] = time.monotonic()
            time.sleep(SPACING_SECONDS)
        wait_for(lambda: len(fake.requests_per_work_item()) >= SPACED, 60, "all spaced items")
        first_request = {}
        for request in fake.requests:
            if request.work_id is not None and request.work_id not in first_request:
                first_request[request.work_id] = request.received_at
    database.dispose()
    delays = sorted((first_request[item] - at) * 1000 for item, at in committed.items())
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    return LatencyResult(backend, statistics.median(delays), p99, len(delays))


def _item_id(database: Database, key: str) -> int:
    with database.transaction() as session:
        return session.scalar(select(WorkItem.id).where(WorkItem.idempotency_key == key))


def table(bursts: list[BurstResult], latencies: list[LatencyResult]) -> str:
    header = ("backend", "schedulers", "items", "all done s", "duplicates")
    lines = ["{:<10}  {:>10}  {:>6}  {:>10}  {:>10}".format(*header), "-" * 54]
    for b in bursts:
        cells = (b.backend, b.schedulers, b.done, f"{b.seconds:.2f}", b.duplicates)
        lines.append("{:<10}  {:>10}  {:>6}  {:>10}  {:>10}".format(*cells))
    lines += ["", f"{'backend':<10}  {'items':>6}  {'commit->request p50 ms':>22}  {'p99 ms':>7}"]
    lines.append("-" * 52)
    for lat in latencies:
        lines.append(f"{lat.backend:<10}  {lat.count:>6}  {lat.p50_ms:>22.0f}  {lat.p99_ms:>7.0f}")
    return "\n".join(lines)


def verdict_lines(bursts: list[BurstResult], latencies: list[LatencyResult]) -> list[str]:
    lines = []
    for b in bursts:
        ok = b.seconds <= BURST_TARGET_SECONDS and b.duplicates == 0
        lines.append(
            f"{b.backend}, {b.schedulers} scheduler(s): {b.done} calls in {b.seconds:.1f} s "
            f"(target <= {BURST_TARGET_SECONDS:.0f} s), {b.duplicates} duplicates (target 0) "
            f"{'PASS' if ok else 'FAIL'}"
        )
    for lat in latencies:
        ok = lat.p99_ms < LATENCY_TARGET_MS
        lines.append(
            f"{lat.backend}: commit to REST request p99 {lat.p99_ms:.0f} ms "
            f"(target < {LATENCY_TARGET_MS:.0f} ms) {'PASS' if ok else 'FAIL'}"
        )
    return lines


def main() -> tuple[list[BurstResult], list[LatencyResult]]:
    metadata()
    print(
        f"outbox: {BURST} calls due at once (1 and 2 schedulers), {SPACED} spaced "
        f"{SPACING_SECONDS * 1000:.0f} ms apart, per backend",
        flush=True,
    )
    bursts, latencies = [], []
    with tempfile.TemporaryDirectory(prefix="hotline-outbox-") as tmp:
        for backend in chosen_backends():
            for count in (1, 2):
                bursts.append(burst(backend, Path(tmp) / f"{backend}-burst-{count}", count))
                print(f"  {backend} burst with {count}: {bursts[-1].seconds:.2f} s", flush=True)
            latencies.append(latency(backend, Path(tmp) / f"{backend}-latency"))
    print("\n" + table(bursts, latencies) + "\n")
    for line in verdict_lines(bursts, latencies):
        print(line)
    return bursts, latencies


if __name__ == "__main__":
    main()
    sys.exit(0)
