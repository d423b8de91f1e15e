"""Routing: from the commit of a caller's `<Enqueue>` answer to the counsellors' phones ringing.

The app answers the caller's steps in this process (signed WSGI requests, as in
`bench/inprocess.py`); a real `hotline scheduler` process places the counsellor legs through
the real gateway against the local fake Twilio server, which runs in this process and notes
when each request arrives (same machine, same monotonic clock). 10 counsellors are on duty;
callers arrive 300 ms apart. For each caller: time from the route step's answer (its
transaction committed) to the first and to the last of its 10 legs requested.

Run alone with `python -m bench.routing`; `make bench` runs it (`BENCH_ROUTING=0` skips it).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import select

from bench.databases import chosen_backends, fresh_database
from bench.inprocess import Request, call_webhook, signed_environ
from hotline import migrate
from hotline.app import create_app
from hotline.config import load_settings
from hotline.counsellors.service import add_counsellor
from hotline.crypto import generate_key
from hotline.services import services
from scheduling.outbox.models import WorkItem
from tests.support.fake_twilio import FakeTwilioServer
from tests.support.processes import SchedulerProcesses, wait_for

PUBLIC_BASE_URL = "https://hotline.example.org"
TOKEN = "bench-" + uuid.uuid4().hex
COUNSELLORS = 10
CALLERS = int(os.environ.get("BENCH_ROUTING_CALLERS", "40"))
SPACING_SECONDS = 0.3
TARGET_P99_MS = 1000.0
POSTGRES_DATABASE = "bench_routing"
# open around the clock, so that app and scheduler can both run on real time
ALWAYS_OPEN = """
[hours]
holiday_region = ""
closures = []
[hours.weekly]
mon = ["00:00-23:59"]
tue = ["00:00-23:59"]
wed = ["00:00-23:59"]
thu = ["00:00-23:59"]
fri = ["00:00-23:59"]
sat = ["00:00-23:59"]
sun = ["00:00-23:59"]
"""


@dataclass(frozen=True)
class RoutingResult:
    backend: str
    callers: int
    first_p50_ms: float
    all_p50_ms: float
    all_p99_ms: float


def caller_steps(call_sid: str) -> list[Request]:
    base = f"{PUBLIC_BASE_URL}/twilio/voice"
    params = {
        "CallSid": call_sid,
        "AccountSid": "AC" + "1" * 32,
        "From": "+4915123456789",
        "To": "+498003009944",
        "CallStatus": "in-progress",
        "Direction": "inbound",
    }
    return [
        Request("POST", f"{base}/incoming", params),
        Request("POST", f"{base}/intake/language", {**params, "Digits": ""}),
        Request("POST", f"{base}/intake/case-number?attempt=1", {**params, "Digits": ""}),
        Request("POST", f"{base}/route", params),
    ]


def routing_app(url: str, key: str, folder: Path) -> Flask:
    config = folder / "hotline.toml"
    config.write_text(ALWAYS_OPEN)
    environment = {
        "HOTLINE_ENV": "testing",
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "HOTLINE_DATA_KEY": key,
        "SECRET_KEY": "bench",
        "HOTLINE_CONFIG": str(config),
    }
    with redirect_stderr(io.StringIO()):
        app = create_app(load_settings(environment, instance_path=folder / "app"))
        svc = services(app)
        migrate.upgrade(svc.database.engine)
    with svc.database.transaction() as session:
        for number in range(COUNSELLORS):
            add_counsellor(
                session,
                f"Bench {number}",
                f"+49 228 55{number:05d}",
                svc.cipher,
                svc.clock.now(),
                on_duty=True,
            )
    return app


def run_backend(backend: str, folder: Path) -> RoutingResult:
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    app = routing_app(url, key, folder)
    answered: dict[str, float] = {}
    with FakeTwilioServer() as fake:
        environment = {
            "HOTLINE_ENV": "testing",
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_BASE_URL": fake.url,
            "HOTLINE_DATA_KEY": key,
            "SECRET_KEY": "bench",
            "HOTLINE_CONFIG": "",
            "HOTLINE_INSTANCE_PATH": str(folder / "scheduler"),
            "LOG_LEVEL": "WARNING",
        }
        processes = SchedulerProcesses(environment, folder)
        try:
            processes.start()
            time.sleep(2)  # the scheduler becomes active
            with redirect_stderr(io.StringIO()):
                for _ in range(CALLERS):
                    call_sid = "CA" + uuid.uuid4().hex
                    for request in caller_steps(call_sid):
                        call_webhook(app, signed_environ(request, TOKEN))
                    answered[call_sid] = time.monotonic()
                    time.sleep(SPACING_SECONDS)
            wait_for(
                lambda: len(fake.calls_created()) >= CALLERS * COUNSELLORS, 60, "all legs placed"
            )
        finally:
            processes.stop_all()
        callers_of = _callers_by_work_item(app)
        legs: dict[str, list[float]] = {}
        for request in fake.requests:
            work = _work_id(request.form)
            if work is not None:
                legs.setdefault(callers_of[work], []).append(request.received_at)
    services(app).database.dispose()
    firsts = sorted((min(times) - answered[sid]) * 1000 for sid, times in legs.items())
    alls = sorted((max(times) - answered[sid]) * 1000 for sid, times in legs.items())
    return RoutingResult(
        backend,
        len(alls),
        statistics.median(firsts),
        statistics.median(alls),
        alls[min(len(alls) - 1, int(len(alls) * 0.99))],
    )


def _work_id(form: dict[str, list[str]]) -> int | None:
    callback = (form.get("StatusCallback") or [""])[0]
    values = parse_qs(urlsplit(callback).query).get("work")
    return int(values[0]) if values else None


def _callers_by_work_item(app: Flask) -> dict[int, str]:
    with services(app).database.transaction() as session:
        return dict(session.execute(select(WorkItem.id, WorkItem.call_sid)).all())


def table(results: list[RoutingResult]) -> str:
    lines = [
        "{:<10}  {:>7}  {:>18}  {:>16}  {:>16}".format(
            "backend", "callers", "first leg p50 ms", "all 10 p50 ms", "all 10 p99 ms"
        ),
        "-" * 75,
    ]
    for r in results:
        lines.append(
            f"{r.backend:<10}  {r.callers:>7}  {r.first_p50_ms:>18.0f}  "
            f"{r.all_p50_ms:>16.0f}  {r.all_p99_ms:>16.0f}"
        )
    return "\n".join(lines)


def verdict_lines(results: list[RoutingResult]) -> list[str]:
    return [
        f"{r.backend}: enqueue commit to all {COUNSELLORS} legs requested p99 "
        f"{r.all_p99_ms:.0f} ms (target < {TARGET_P99_MS:.0f} ms) "
        f"{'PASS' if r.all_p99_ms < TARGET_P99_MS else 'FAIL'}"
        for r in results
    ]


def main() -> list[RoutingResult]:
    print(
        f"routing: {CALLERS} callers {SPACING_SECONDS * 1000:.0f} ms apart, "
        f"{COUNSELLORS} counsellors on duty, one scheduler process",
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
