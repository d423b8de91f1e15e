"""What `/metrics` costs (issue 28): the scrape under webhook load, and counting on /incoming.

1. *The scrape under load*: the service as in production (`gunicorn.conf.py`, 2 workers,
   prometheus_client's multiprocess mode), a fresh SQLite database, METRICS_TOKEN set. Signed
   `/twilio/voice/incoming` requests (a new call each) arrive at `BENCH_METRICS_RATE` a second
   (50: the flood of issue 27, a hundred times the busiest day the line has seen) for
   `BENCH_METRICS_SECONDS`, while a stand-in for Prometheus scrapes `/metrics` every 0.1 s
   (Prometheus itself scrapes every 15 s: this takes 150 times as many samples), each scrape
   timed from sending to the last byte. Target: p99 < 20 ms. Then, for context only, the same
   with `BENCH_METRICS_CLIENTS` clients sending as fast as they are answered: the two cores
   saturated, where every request waits for the CPU, the scrape as much as a webhook.
2. *Counting on /incoming*: in-process CPU per request (`bench.inprocess`), with the webhook
   histogram in multiprocess mode as under gunicorn (a file per process, written on every
   request), against *bare*: the same app with the histogram swapped for one that keeps
   nothing. The variants alternate round after round, so that drift hits both alike; this
   part runs in a process of its own, started with PROMETHEUS_MULTIPROC_DIR set, as
   prometheus_client chooses its kind of value at import. Target: ratio < 1.05, the median
   of each round's ratio of counted to bare (rounds of 50 requests of each, so that a busy
   moment of the machine falls into few of them, and neighbours in time are compared).

`BENCH_METRICS=0` skips it in `make bench`. Alone: `python -m bench.metrics`.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import apps, server
from bench.inprocess import bench_app, incoming_request, measure, signed_environ
from bench.workload import INCOMING, prepare
from webhooks import observed

TARGET_SCRAPE_P99_MS = 20.0
TARGET_RATIO = 1.05
SCRAPE_EVERY = 0.1


@dataclass(frozen=True)
class ScrapeResult:
    load: str  # "50 calls/s" or "saturated"
    seconds: float
    webhooks: int
    webhook_p50_ms: float
    scrapes: int
    scrape_p50_ms: float
    scrape_p99_ms: float
    scrape_max_ms: float
    errors: int
    judged: bool  # the target applies to this load
    first_error: str = ""


@dataclass(frozen=True)
class CountingResult:
    bare_ms: float  # median of the rounds
    counted_ms: float
    ratio: float  # median of each round's counted / bare: neighbours in time, drift cancels


# --- 1. the scrape under load -------------------------------------------------------------
def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[int(share * (len(ordered) - 1))] * 1000


def scrapes_under_load(seconds: float, rate: float, clients: int) -> list[ScrapeResult]:
    """The same server twice: webhooks at `rate` calls a second (the target's load), then as
    fast as `clients` closed-loop clients can send them (the CPU saturated: for context)."""
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as name:
        folder, port = Path(name), server.free_port()
        env = {
            **os.environ,
            **apps.environment(
                f"sqlite:///{folder / 'metrics.db'}",
                folder,
                config=apps.ALWAYS_OPEN,
                METRICS_TOKEN=token,
                WEB_CONCURRENCY="2",
                LOG_LEVEL="WARNING",
            ),
        }
        server.hotline_cli(env, "db", "upgrade")
        server.hotline_cli(
            env, "counsellor", "add", "Bench", "--phone", "0228 5550100", "--on-duty"
        )
        server.open_whatever_the_day(env, "UTC")  # ALWAYS_OPEN's zone
        with server.gunicorn(env, port, folder / "gunicorn.log"):
            _warm(port, env, token)
            paced = _load(port, env, token, seconds, rate=rate, clients=clients)
            saturated = _load(port, env, token, seconds, rate=0.0, clients=clients)
    return [paced, saturated]


def _warm(port: int, env: dict[str, str], token: str) -> None:
    """Webhooks and scrapes first, four at a time so that both workers get some: each
    worker's first requests open its database connections and fill its caches (compiled
    queries), which a server that has run for a minute has done."""
    requests = [
        ("POST", INCOMING.path, body, headers)
        for body, headers in prepare(INCOMING, env["PUBLIC_BASE_URL"], env["TWILIO_AUTH_TOKEN"], 20)
    ]
    requests += [("GET", "/metrics", None, {"Authorization": f"Bearer {token}"})] * 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda request: _send(port, *request), requests))


def _send(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[float, int, bytes]:
    """One request on a connection of its own, as gunicorn's sync workers take them: the
    seconds to the last byte of the answer, its status and body (OSError if none came)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.monotonic()
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    return time.monotonic() - started, response.status, answer


def _load(
    port: int, env: dict[str, str], token: str, seconds: float, *, rate: float, clients: int
) -> ScrapeResult:
    """`clients` threads post /incoming, together `rate` a second (0: as fast as answered),
    while another scrapes /metrics every SCRAPE_EVERY seconds."""
    started_at = time.monotonic()
    stop_at = started_at + seconds
    webhooks: list[float] = []
    scrapes: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def timed(
        into: list[float],
        expected: bytes,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
    ) -> None:
        """One request, timed into `into`; an error (no answer, or not the one expected)
        is noted instead."""
        try:
            seconds, status, answer = _send(port, method, path, body, headers)
        except OSError as error:
            with lock:
                errors.append(f"{type(error).__name__} on {path}")
            return
        with lock:
            into.append(seconds)
            if status != 200 or expected not in answer:
                errors.append(f"{path} answered {status}")

    def caller(number: int) -> None:
        sent = 0
        while time.monotonic() < stop_at:
            if rate:  # open loop: the n-th request of this client at its own time
                due = started_at + (sent * clients + number) / rate
                time.sleep(max(due - time.monotonic(), 0.0))
            sent += 1
            ((body, headers),) = prepare(
                INCOMING, env["PUBLIC_BASE_URL"], env["TWILIO_AUTH_TOKEN"], 1
            )
            timed(webhooks, INCOMING.marker, "POST", INCOMING.path, body, headers)

    def prometheus() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() < stop_at:
            timed(scrapes, b"hotline_database_up 1.0", "GET", "/metrics", None, headers)
            time.sleep(SCRAPE_EVERY)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=prometheus))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ScrapeResult(
        f"{rate:.0f} calls/s" if rate else "saturated",
        seconds,
        len(webhooks),
        _percentile(webhooks, 0.5),
        len(scrapes),
        _percentile(scrapes, 0.5),
        _percentile(scrapes, 0.99),
        max(scrapes or [0.0]) * 1000,
        len(errors),
        judged=bool(rate),
        first_error=errors[0] if errors else "",
    )


# --- 2. counting on /incoming (in a process with PROMETHEUS_MULTIPROC_DIR set) ----------------
class _Nothing:
    """A histogram that keeps nothing: `labels(...).observe(...)` does no work."""

    def labels(self, *values: str) -> _Nothing:
        return self

    def observe(self, amount: float) -> None:
        """Keeps nothing: what bare measures without."""


def _counting_here(count: int, rounds: int) -> CountingResult:
    counted = observed.webhook_duration
    costs: dict[str, list[float]] = {"bare": [], "counted": []}
    with (
        tempfile.TemporaryDirectory(prefix="bench-counting-") as name,
        bench_app("sqlite", Path(name)) as app,
        redirect_stderr(io.StringIO()),
    ):
        for number in range(rounds + 1):  # the first round warms up, unrecorded
            order = list(costs) if number % 2 == 0 else list(reversed(costs))
            for variant in order:
                batch = [signed_environ(incoming_request()) for _ in range(count)]
                observed.webhook_duration = _Nothing() if variant == "bare" else counted  # type: ignore[assignment]
                cost = measure(app, [batch], None).app_ms
                if number:
                    costs[variant].append(cost)
        observed.webhook_duration = counted
    ratios = [c / b for b, c in zip(costs["bare"], costs["counted"], strict=True)]
    return CountingResult(
        statistics.median(costs["bare"]),
        statistics.median(costs["counted"]),
        statistics.median(ratios),
    )


def counting_on_incoming(count: int, rounds: int) -> CountingResult:
    with tempfile.TemporaryDirectory(prefix="bench-multiproc-") as folder:
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
        output = subprocess.run(
            [sys.executable, "-m", "bench.metrics", "counting", str(count), str(rounds)],
            env=env,
            cwd=server.REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        files = list(Path(folder).glob("*.db"))
    if not files:
        raise RuntimeError("the histogram wrote no multiprocess file: not what gunicorn measures")
    values: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return CountingResult(values["bare_ms"], values["counted_ms"], values["ratio"])


# --- the table ---------------------------------------------------------------------------------
def table(scrapes: list[ScrapeResult], counting: CountingResult) -> str:
    lines = [
        "/metrics under webhook load: 2 gunicorn workers (SQLite), multiprocess metrics",
        f"{'load':<14}{'s':>4}{'webhooks':>10}{'p50 ms':>8}{'scrapes':>9}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'max ms':>8}{'errors':>8}",
    ]
    for r in scrapes:
        lines.append(
            f"{r.load:<14}{r.seconds:>4.0f}{r.webhooks:>10}{r.webhook_p50_ms:>8.1f}{r.scrapes:>9}"
            f"{r.scrape_p50_ms:>8.1f}{r.scrape_p99_ms:>8.1f}{r.scrape_max_ms:>8.1f}{r.errors:>8}"
        )
    lines += [
        "counting on /incoming: in-process CPU ms per request (medians of the rounds; the ratio",
        "is the median of each round's counted / bare)",
        f"{'bare':>10}{'counted':>10}{'ratio':>8}",
        f"{counting.bare_ms:>10.3f}{counting.counted_ms:>10.3f}{counting.ratio:>8.3f}",
    ]
    return "\n".join(lines)


def verdict_lines(scrapes: list[ScrapeResult], counting: CountingResult) -> list[str]:
    lines = []
    for r in scrapes:
        if not r.judged:
            lines.append(
                f"INFO  /metrics p99 {r.scrape_p99_ms:.1f} ms with the CPU saturated by "
                f"webhooks (p50 {r.webhook_p50_ms:.1f} ms each), {r.errors} errors: no target"
                f"{f'; first: {r.first_error}' if r.errors else ''}"
            )
            continue
        ok = r.scrape_p99_ms < TARGET_SCRAPE_P99_MS and not r.errors
        lines.append(
            f"{'PASS' if ok else 'FAIL'}  /metrics p99 {r.scrape_p99_ms:.1f} ms under "
            f"{r.load} of /incoming, {r.errors} errors (target < {TARGET_SCRAPE_P99_MS:.0f} ms, "
            f"none){f'; first: {r.first_error}' if r.errors else ''}"
        )
    lines.append(
        f"{'PASS' if counting.ratio < TARGET_RATIO else 'FAIL'}  counting adds "
        f"{(counting.ratio - 1) * 100:+.1f} % CPU to /incoming (target < "
        f"{(TARGET_RATIO - 1) * 100:.0f} %)"
    )
    return lines


def main() -> tuple[list[ScrapeResult], CountingResult]:
    env = os.environ.get
    seconds = float(env("BENCH_METRICS_SECONDS", "30"))
    rate = float(env("BENCH_METRICS_RATE", "50"))
    clients = int(env("BENCH_METRICS_CLIENTS", "4"))
    count = int(env("BENCH_METRICS_REQUESTS", "50"))
    rounds = int(env("BENCH_METRICS_ROUNDS", "80"))
    print(
        f"metrics: scrapes under {rate:.0f} /incoming a second for {seconds:.0f} s, then "
        f"under {clients} clients as fast as answered",
        flush=True,
    )
    scrapes = scrapes_under_load(seconds, rate, clients)
    print(f"metrics: {rounds} rounds of {count} /incoming requests, bare and counted", flush=True)
    counting = counting_on_incoming(count, rounds)
    print(table(scrapes, counting))
    for line in verdict_lines(scrapes, counting):
        print(line)
    return scrapes, counting


if __name__ == "__main__":
    if sys.argv[1:2] == ["counting"]:
        result = _counting_here(int(sys.argv[2]), int(sys.argv[3]))
        print(json.dumps(vars(result)))
    else:
        main()
