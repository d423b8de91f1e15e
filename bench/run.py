"""`python -m bench.run`: the signed incoming-call webhook against a bare endpoint, per database.

See bench/README.md for what is measured and the knobs (BENCH_* and WEB_CONCURRENCY).
"""

from __future__ import annotations

import math
import os
import platform
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench import server
from bench.loadgen import Phase, PhaseResult, Request, run_phase
from bench.report import Summary, Verdict, markdown_table, text_table, verdict
from hotline.crypto import generate_key

INCOMING_PATH = "/twilio/voice/incoming"
BARE_PATH = "/bench/bare"  # bench_app.BARE_PATH (not imported: importing it builds the app)
RESULTS = server.REPO / "bench" / "results"
POOL_RPS = 4000  # prepared signed requests per second of a phase: far above what 2 cores serve


@dataclass(frozen=True)
class Settings:
    seconds: float
    warmup: float
    rounds: int
    clients: int
    mode: str
    log_level: str
    backends: tuple[str, ...]

    @classmethod
    def from_env(cls) -> Settings:
        mode = os.environ.get("BENCH_CLIENT_MODE", "processes").strip().lower()
        if mode not in ("threads", "processes"):
            raise SystemExit("BENCH_CLIENT_MODE must be threads or processes")
        return cls(
            seconds=float(os.environ.get("BENCH_SECONDS", "2")),
            warmup=float(os.environ.get("BENCH_WARMUP", "1")),
            rounds=int(os.environ.get("BENCH_ROUNDS", "3")),
            clients=int(os.environ.get("BENCH_CLIENTS", "8")),
            mode=mode,
            log_level=os.environ.get("BENCH_LOG_LEVEL", "INFO").upper(),
            backends=tuple(
                name.strip()
                for name in os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
            ),
        )


def _params() -> dict[str, str]:
    return {
        "CallSid": "CA" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": "+4915123456789",
        "To": "+498003009944",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def incoming_requests(base_url: str, token: str, count: int) -> list[Request]:
    """Signed deliveries of distinct calls (a repeated CallSid would only replay an answer)."""
    validator = RequestValidator(token)
    url = base_url + INCOMING_PATH
    requests = []
    for _ in range(count):
        params = _params()
        signature = validator.compute_signature(url, params)
        requests.append((urlencode(params).encode(), {**FORM, "X-Twilio-Signature": signature}))
    return requests


def bare_requests(count: int) -> list[Request]:
    """The same form body, unsigned: /bench/bare reads neither."""
    return [(urlencode(_params()).encode(), FORM)] * count


def server_env(backend: server.Backend, port: int, folder: Path, settings: Settings) -> dict:
    return {
        **os.environ,
        "HOTLINE_ENV": "development",
        "DATABASE_URL": backend.url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_AUTH_TOKEN": "bench-" + uuid.uuid4().hex,
        "HOTLINE_DATA_KEY": generate_key(),
        "HOTLINE_INSTANCE_PATH": str(folder),
        "LOG_LEVEL": settings.log_level,
    }


def bench_backend(
    backend: server.Backend, settings: Settings, folder: Path
) -> tuple[Summary, Summary, Verdict]:
    port = server.free_port()
    env = server_env(backend, port, folder, settings)
    server.hotline_cli(env, "db", "upgrade")
    server.hotline_cli(env, "seed-demo", "--if-empty")
    rows_before = server.count_rows(backend.url)
    bare = Summary(backend.name, f"bare {BARE_PATH}")
    incoming = Summary(backend.name, INCOMING_PATH)
    per_client = math.ceil(POOL_RPS * (settings.warmup + settings.seconds) / settings.clients)
    log_file = RESULTS / f"gunicorn-{backend.name}.log"
    with server.gunicorn(env, port, log_file):
        for number in range(settings.rounds):
            order = (bare, incoming) if number % 2 == 0 else (incoming, bare)
            for summary in order:
                is_bare = summary is bare
                phase = Phase(
                    "127.0.0.1",
                    port,
                    BARE_PATH if is_bare else INCOMING_PATH,
                    b"<Say" if is_bare else b"<Gather",
                    settings.warmup,
                    settings.seconds,
                )
                pools = [
                    bare_requests(per_client)
                    if is_bare
                    else incoming_requests(
                        env["PUBLIC_BASE_URL"], env["TWILIO_AUTH_TOKEN"], per_client
                    )
                    for _ in range(settings.clients)
                ]
                result = run_phase(phase, pools, settings.mode)
                summary.rounds.append(result)
                _progress(backend.name, number, summary.endpoint, result)
    calls, events = (
        after - before
        for after, before in zip(server.count_rows(backend.url), rows_before, strict=True)
    )
    return bare, incoming, verdict(bare, incoming, _problems(bare, incoming, calls, events))


def _progress(backend: str, number: int, endpoint: str, result: PhaseResult) -> None:
    print(
        f"  {backend} round {number + 1} {endpoint}: {result.requests_per_second:.0f} req/s, "
        f"p50 {result.percentile_ms(0.5):.1f} ms, p99 {result.percentile_ms(0.99):.1f} ms, "
        f"errors {sum(result.errors.values())}",
        flush=True,
    )


def _problems(bare: Summary, incoming: Summary, calls: int, events: int) -> list[str]:
    problems = []
    for summary in (bare, incoming):
        if summary.errors:
            first = next(r.first_error for r in summary.rounds if r.first_error)
            problems.append(f"{summary.endpoint}: {sum(summary.errors.values())} errors ({first})")
        if any(r.ran_out for r in summary.rounds):
            problems.append(f"{summary.endpoint}: ran out of prepared requests (raise POOL_RPS)")
    answered = sum(r.ok_total for r in incoming.rounds)
    if not incoming.errors and (calls, events) != (answered, answered):
        problems.append(
            f"{answered} incoming calls answered, but {calls} calls and "
            f"{events} webhook_events written"
        )
    return problems


def header(settings: Settings, workers: int) -> str:
    return (
        f"{settings.clients} clients ({settings.mode}), gunicorn.conf.py with {workers} sync "
        f"workers, {settings.rounds} rounds x {settings.seconds:g} s "
        f"(+{settings.warmup:g} s warm-up) per endpoint, median round shown; "
        f"LOG_LEVEL={settings.log_level} (server log in bench/results/); "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


def write_markdown(text: str, summaries: list[Summary], verdicts: list[Verdict]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.md"
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        text,
        "",
        markdown_table(summaries),
        "",
        *(f"- {v.line()}" for v in verdicts),
        *(f"- ERROR {p}" for v in verdicts for p in v.problems),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    settings = Settings.from_env()
    workers = server.configured_workers(os.environ)
    about = header(settings, workers)
    print(about, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    summaries: list[Summary] = []
    verdicts: list[Verdict] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        folder = Path(tmp)
        backends = []
        if "sqlite" in settings.backends:
            backends.append(server.Backend("sqlite", f"sqlite:///{folder / 'hotline.db'}"))
        if "postgresql" in settings.backends:
            postgres = server.postgres_backend(lambda message: print(message, flush=True))
            if postgres is not None:
                backends.append(postgres)
        for backend in backends:
            bare, incoming, result = bench_backend(backend, settings, folder / backend.name)
            summaries += [bare, incoming]
            verdicts.append(result)
    print()
    print(text_table(summaries))
    print()
    for result in verdicts:
        print(result.line())
    problems = [p for v in verdicts for p in v.problems]
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    path = write_markdown(about, summaries, verdicts)
    print(f"\n{time.monotonic() - started:.0f} s; written to {path.relative_to(server.REPO)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
