"""Routing: how fast the line moves when a counsellor becomes free, and what one round of the
distributor costs.

Freed: 30 counsellors on duty, each talking with a caller; 50 callers wait in line. One call
after the other ends (the caller's status callback, a signed request to the app in this
process, no wrap-up); a real `hotline scheduler` process places the leg for the head of the
line through the real gateway against the local fake Twilio server, which notes when each
request arrives (same machine, same monotonic clock). Measured per freed counsellor: from the
status callback's answer (its transaction committed) to the leg's request at "Twilio".

A round: the distributor alone (`Distributor.distribute`, rolled back after each), with 200
callers in line and 50 counsellors on duty: once with everyone busy (nothing to decide, the
usual round of the safety net) and once with all 50 free (`longest_idle`: 50 legs for the
first 50 callers).

Run alone with `python -m bench.routing`; `make bench` runs it (`BENCH_ROUTING=0` skips it).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stderr
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bench.apps import (
    ALWAYS_OPEN,
    PUBLIC_BASE_URL,
    TOKEN,
    add_counsellors,
    environment,
    migrated_app,
)
from bench.databases import chosen_backends, drop_database, fresh_database
from bench.inprocess import Request, call_webhook, signed_environ
from hotline.app import units_of
from hotline.clock import FixedClock
from hotline.counsellors.models import Counsellor
from hotline.crypto import generate_key
from hotline.services import services
from hotline.telephony.models import Call
from tests.support.fake_twilio import FakeTwilioServer
from tests.support.processes import SchedulerProcesses, wait_for
from webhooks.context import flow_runner

FREED_COUNSELLORS, FREED_WAITING = 30, 50
ROUND_COUNSELLORS, ROUND_WAITING = 50, 200
ROUNDS = 20
TARGET_FREED_P99_MS = 1000.0
TARGET_ROUND_MS = 50.0
POSTGRES_DATABASE = "bench_routing"
# no wrap-up: a freed counsellor is free at once
CONFIG = ALWAYS_OPEN + "[routing]\nwrap_up_seconds = 0\n"


@dataclass(frozen=True)
class RoutingResult:
    backend: str
    freed: int
    freed_p50_ms: float
    freed_p99_ms: float
    round_busy_ms: float
    round_ringing_ms: float


def _talking(app: Flask, counsellors: list[int], now: datetime) -> list[str]:
    """A connected caller for each counsellor (rows as the webhooks leave them)."""
    sids = [f"CA{'b' * 8}{n:024d}" for n in range(len(counsellors))]
    with services(app).database.transaction() as session:
        session.execute(
            insert(Call),
            [
                {
                    "call_sid": sid,
                    "direction": "inbound",
                    "status": "in-progress",
                    "language": "de",
                    "started_at": now - timedelta(minutes=5),
                    "queued_at": now - timedelta(minutes=4),
                    "queue_left_at": now - timedelta(minutes=3),
                    "connected_at": now - timedelta(minutes=3),
                    "counsellor_id": counsellor,
                    "outcome": "connected",
                }
                for sid, counsellor in zip(sids, counsellors, strict=True)
            ],
        )
    return sids


def _waiting(app: Flask, count: int, now: datetime) -> None:
    with services(app).database.transaction() as session:
        session.execute(
            insert(Call),
            [
                {
                    "call_sid": f"CA{'a' * 8}{n:024d}",
                    "direction": "inbound",
                    "status": "in-progress",
                    "language": "de",
                    "started_at": now - timedelta(minutes=2),
                    "queued_at": now - timedelta(seconds=count - n),
                }
                for n in range(count)
            ],
        )


def _status(call_sid: str) -> Request:
    return Request(
        "POST",
        f"{PUBLIC_BASE_URL}/twilio/voice/status",
        {
            "CallSid": call_sid,
            "AccountSid": "AC" + "1" * 32,
            "CallStatus": "completed",
            "Direction": "inbound",
            "CallDuration": "180",
        },
    )


def measure_freed(backend: str, folder: Path) -> list[float]:
    """Milliseconds from each freeing status callback's answer to the head's leg at Twilio."""
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    app = migrated_app(environment(url, folder, config=CONFIG, key=key), None)
    now = datetime.now(UTC)
    talking = _talking(app, add_counsellors(app, FREED_COUNSELLORS, now), now)
    _waiting(app, FREED_WAITING, now)
    freed_at: list[float] = []
    with FakeTwilioServer() as fake:
        scheduler_environment = environment(
            url, folder, config=CONFIG, key=key, twilio_url=fake.url, LOG_LEVEL="WARNING"
        )
        scheduler_environment["HOTLINE_INSTANCE_PATH"] = str(folder / "scheduler")
        processes = SchedulerProcesses(scheduler_environment, folder)
        try:
            processes.start()
            time.sleep(2)  # the scheduler becomes active
            with redirect_stderr(io.StringIO()):
                for number, sid in enumerate(talking, start=1):
                    call_webhook(app, signed_environ(_status(sid), TOKEN))
                    freed_at.append(time.monotonic())
                    wait_for(lambda n=number: len(fake.calls_created()) >= n, 10, "the leg")
                    time.sleep(0.05)
        finally:
            processes.stop_all()
        arrived = sorted(request.received_at for request in fake.requests)[: len(freed_at)]
    services(app).database.dispose()
    drop_database(backend, POSTGRES_DATABASE)
    return [(at - freed) * 1000 for freed, at in zip(freed_at, arrived, strict=True)]


def measure_rounds(backend: str, folder: Path) -> tuple[float, float]:
    """Median milliseconds of a round with everyone busy, and of one ringing all 50."""
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    now = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    app = migrated_app(environment(url, folder, config=CONFIG, key=key), FixedClock(now))
    counsellors = add_counsellors(app, ROUND_COUNSELLORS, now)
    _waiting(app, ROUND_WAITING, now)
    svc = services(app)
    scheduling = flow_runner(app).units.config
    scheduling = replace(scheduling, routing=replace(scheduling.routing, strategy="longest_idle"))

    def one_round(busy: bool) -> float:
        with svc.database.engine.connect() as connection:
            transaction = connection.begin()
            session = Session(bind=connection)
            if busy:
                session.execute(
                    update(Counsellor)
                    .where(Counsellor.id.in_(counsellors))
                    .values(wrap_up_until=now + timedelta(minutes=5))
                )
            started = time.perf_counter()
            replace(units_of(app), config=scheduling).within(
                session, now=now
            ).distributor.distribute()
            took = time.perf_counter() - started
            session.close()
            transaction.rollback()
        return took * 1000

    for busy in (True, False):  # warm the caches
        one_round(busy)
    busy_ms = statistics.median(one_round(True) for _ in range(ROUNDS))
    ringing_ms = statistics.median(one_round(False) for _ in range(ROUNDS))
    with svc.database.transaction() as session:
        assert session.scalar(select(Call.id).limit(1)) is not None
    svc.database.dispose()
    drop_database(backend, POSTGRES_DATABASE)
    return busy_ms, ringing_ms


def run_backend(backend: str, folder: Path) -> RoutingResult:
    freed = sorted(measure_freed(backend, folder / "freed"))
    busy_ms, ringing_ms = measure_rounds(backend, folder / "rounds")
    return RoutingResult(
        backend,
        len(freed),
        statistics.median(freed),
        freed[min(len(freed) - 1, int(len(freed) * 0.99))],
        busy_ms,
        ringing_ms,
    )


def table(results: list[RoutingResult]) -> str:
    lines = [
        "{:<10}  {:>6}  {:>15}  {:>15}  {:>16}  {:>18}".format(
            "backend",
            "freed",
            "to leg p50 ms",
            "to leg p99 ms",
            "round busy ms",
            "round 50 legs ms",
        ),
        "-" * 92,
    ]
    for r in results:
        lines.append(
            f"{r.backend:<10}  {r.freed:>6}  {r.freed_p50_ms:>15.0f}  {r.freed_p99_ms:>15.0f}  "
            f"{r.round_busy_ms:>16.1f}  {r.round_ringing_ms:>18.1f}"
        )
    return "\n".join(lines)


def verdict_lines(results: list[RoutingResult]) -> list[str]:
    lines = []
    for r in results:
        if r.backend == "postgresql":
            ok = r.freed_p99_ms < TARGET_FREED_P99_MS
            lines.append(
                f"{r.backend}: a counsellor freed with {FREED_WAITING} waiting and "
                f"{FREED_COUNSELLORS} on duty -> the head's leg requested p99 "
                f"{r.freed_p99_ms:.0f} ms (target < {TARGET_FREED_P99_MS:.0f} ms) "
                f"{'PASS' if ok else 'FAIL'}"
            )
        worst = max(r.round_busy_ms, r.round_ringing_ms)
        lines.append(
            f"{r.backend}: one round with {ROUND_WAITING} waiting and {ROUND_COUNSELLORS} "
            f"counsellors {r.round_busy_ms:.1f} ms busy, {r.round_ringing_ms:.1f} ms ringing 50 "
            f"(target < {TARGET_ROUND_MS:.0f} ms) {'PASS' if worst < TARGET_ROUND_MS else 'FAIL'}"
        )
    return lines


def main() -> list[RoutingResult]:
    print(
        f"routing: a counsellor freed ({FREED_COUNSELLORS} talking, {FREED_WAITING} waiting, one "
        f"scheduler process); one distributor round ({ROUND_WAITING} waiting, "
        f"{ROUND_COUNSELLORS} counsellors)",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="hotline-routing-") as tmp:
        for backend in chosen_backends():
            results.append(run_backend(backend, Path(tmp) / backend))
    print("\n" + table(results) + "\n")
    for line in verdict_lines(results):
        print(line)
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
