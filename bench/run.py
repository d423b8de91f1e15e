"""`python -m bench.run`: the signed incoming-call webhook against a bare endpoint, per database.

See bench/README.md for what is measured, how to read the table and the knobs.
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
from pathlib import Path

from bench import (
    appointments,
    callbacks,
    console,
    erlang,
    flood,
    inprocess,
    metrics,
    outbox,
    protection,
    routing,
    server,
    statistics,
)
from bench.loadgen import Phase, PhaseResult, cpu_ticks, run_phase
from bench.report import Summary, Verdict, text_table, verdict, write_markdown
from bench.workload import BARE, INCOMING, Endpoint, prepare
from hotline.crypto import generate_key

RESULTS = server.REPO / "bench" / "results"
FIRST_POOL_RPS = 6000  # requests prepared per second of the first phase (then 3x the best seen)


@dataclass(frozen=True)
class Settings:
    seconds: float
    warmup: float
    rounds: int
    clients: int
    mode: str
    log_level: str
    backends: tuple[str, ...]
    pyspy: bool
    low_load_clients: int
    inprocess: bool
    outbox: bool
    routing: bool
    queue: bool
    callbacks: bool
    appointments: bool
    statistics: bool
    console: bool
    protection: bool
    flood: bool
    metrics: bool

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        mode = env("BENCH_CLIENT_MODE", "processes").strip().lower()
        if mode not in ("threads", "processes"):
            raise SystemExit("BENCH_CLIENT_MODE must be threads or processes")
        return cls(
            seconds=float(env("BENCH_SECONDS", "2")),
            warmup=float(env("BENCH_WARMUP", "1")),
            rounds=int(env("BENCH_ROUNDS", "3")),
            clients=int(env("BENCH_CLIENTS", "8")),
            mode=mode,
            log_level=env("BENCH_LOG_LEVEL", "INFO").upper(),
            backends=tuple(
                b.strip() for b in env("BENCH_BACKENDS", "sqlite,postgresql").split(",")
            ),
            pyspy=env("BENCH_PYSPY", "") not in ("", "0"),
            low_load_clients=int(env("BENCH_LOW_LOAD_CLIENTS", "2")),
            inprocess=env("BENCH_INPROCESS", "1") not in ("", "0"),
            outbox=env("BENCH_OUTBOX", "1") not in ("", "0"),
            routing=env("BENCH_ROUTING", "1") not in ("", "0"),
            queue=env("BENCH_QUEUE", "1") not in ("", "0"),
            callbacks=env("BENCH_CALLBACKS", "1") not in ("", "0"),
            appointments=env("BENCH_APPOINTMENTS", "1") not in ("", "0"),
            statistics=env("BENCH_STATISTICS", "1") not in ("", "0"),
            console=env("BENCH_CONSOLE", "1") not in ("", "0"),
            protection=env("BENCH_PROTECTION", "1") not in ("", "0"),
            flood=env("BENCH_FLOOD", "1") not in ("", "0"),
            metrics=env("BENCH_METRICS", "1") not in ("", "0"),
        )


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


class Runner:
    """Runs phases against one started server."""

    def __init__(self, settings: Settings, env: dict, port: int, server_pid: int) -> None:
        self.settings, self.env, self.port, self.server_pid = settings, env, port, server_pid
        self.best_rps = FIRST_POOL_RPS / 3

    def phase(self, endpoint: Endpoint, seconds: float, clients: int | None = None) -> PhaseResult:
        s = self.settings
        clients = clients or s.clients
        per_client = math.ceil(3 * self.best_rps * (s.warmup + seconds) / clients)
        base_url, token = self.env["PUBLIC_BASE_URL"], self.env["TWILIO_AUTH_TOKEN"]
        pools = [prepare(endpoint, base_url, token, per_client) for _ in range(clients)]
        phase = Phase("127.0.0.1", self.port, endpoint.path, endpoint.marker, s.warmup, seconds)
        result = run_phase(phase, pools, s.mode, lambda: server.tree_cpu_seconds(self.server_pid))
        self.best_rps = max(self.best_rps, result.requests_per_second)
        return result


def bench_backend(
    backend: server.Backend, settings: Settings, folder: Path
) -> tuple[list[Summary], Verdict]:
    port = server.free_port()
    env = server_env(backend, port, folder, settings)
    server.hotline_cli(env, "db", "upgrade")
    server.hotline_cli(env, "seed-demo", "--if-empty")
    rows_before = server.count_rows(backend.url)
    bare, incoming = Summary(backend.name, BARE.label), Summary(backend.name, INCOMING.label)
    quiet = Summary(backend.name, f"{INCOMING.label} ({settings.low_load_clients} clients)")
    with server.gunicorn(env, port, RESULTS / f"gunicorn-{backend.name}.log") as process:
        runner = Runner(settings, env, port, process.pid)
        for number in range(settings.rounds):  # alternate the order: drift hits both alike
            order = ((BARE, bare), (INCOMING, incoming))
            for endpoint, summary in order if number % 2 == 0 else reversed(order):
                summary.rounds.append(runner.phase(endpoint, settings.seconds))
                _progress(backend.name, number, summary.endpoint, summary.rounds[-1])
        for number in range(settings.rounds):  # a quiet line: what one caller waits
            quiet.rounds.append(runner.phase(INCOMING, settings.seconds, settings.low_load_clients))
            _progress(backend.name, number, quiet.endpoint, quiet.rounds[-1])
        if settings.pyspy:  # an extra round, not counted: the sampler costs CPU
            suffix = ".txt" if os.environ.get("BENCH_PYSPY") == "raw" else ".svg"
            svg = RESULTS / f"incoming-{backend.name}{suffix}"
            with server.pyspy(process.pid, settings.warmup + settings.seconds, svg):
                incoming.extra_ok += runner.phase(INCOMING, settings.seconds).ok_total
            print(f"  py-spy profile of the workers: {svg.relative_to(server.REPO)}")
    rows_after = server.count_rows(backend.url)
    calls, events = (after - before for after, before in zip(rows_after, rows_before, strict=True))
    problems = _problems(bare, incoming, quiet, calls, events)
    return [bare, incoming, quiet], verdict(
        bare, incoming, quiet, settings.low_load_clients, problems
    )


def _progress(backend: str, number: int, endpoint: str, result: PhaseResult) -> None:
    print(
        f"  {backend} round {number + 1} {endpoint}: {result.requests_per_second:.0f} req/s, "
        f"p50 {result.percentile_ms(0.5):.1f} ms, p99 {result.percentile_ms(0.99):.1f} ms, "
        f"server CPU {result.server_ms_per_request:.1f} ms/request, "
        f"errors {sum(result.errors.values())}",
        flush=True,
    )


def _problems(
    bare: Summary, incoming: Summary, quiet: Summary, calls: int, events: int
) -> list[str]:
    """What makes the run fail: wrong answers, or rows that do not match the answers."""
    problems = []
    for summary in (bare, incoming, quiet):
        if summary.errors:
            first = next(r.first_error for r in summary.rounds if r.first_error)
            count = sum(summary.errors.values())
            problems.append(f"{summary.backend} {summary.endpoint}: {count} errors ({first})")
        if any(r.ran_out for r in summary.rounds):
            problems.append(f"{summary.backend} {summary.endpoint}: prepared requests ran out")
    answered = sum(r.ok_total for r in [*incoming.rounds, *quiet.rounds]) + incoming.extra_ok
    if not incoming.errors and (calls, events) != (answered, answered):
        problems.append(
            f"{incoming.backend}: {answered} incoming calls answered, but {calls} calls and "
            f"{events} webhook_events written"
        )
    return problems


def header(settings: Settings) -> str:
    workers = server.configured_workers()
    return (
        f"{settings.clients} clients ({settings.mode}), gunicorn.conf.py with {workers} sync "
        f"workers, {settings.rounds} rounds x {settings.seconds:g} s "
        f"(+{settings.warmup:g} s warm-up) per endpoint, median round shown; "
        f"LOG_LEVEL={settings.log_level} (server log in bench/results/); "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


def backends(settings: Settings, folder: Path) -> list[server.Backend]:
    chosen = []
    if "sqlite" in settings.backends:
        chosen.append(server.Backend("sqlite", f"sqlite:///{folder / 'hotline.db'}"))
    if "postgresql" in settings.backends:
        postgres = server.postgres_backend(lambda message: print(message, flush=True))
        if postgres is not None:
            chosen.append(postgres)
    return chosen


def warn_if_busy() -> None:
    """Other work on the machine shifts both endpoints unevenly: say so before measuring."""
    busy_before, total_before = cpu_ticks()
    time.sleep(1)
    busy_after, total_after = cpu_ticks()
    busy = (busy_after - busy_before) / max(1, total_after - total_before)
    if busy > 0.2:
        print(
            f"WARNING: the machine was {busy:.0%} busy before the run: other work is running, "
            "the numbers will be noisy",
            flush=True,
        )


def main() -> int:
    settings = Settings.from_env()
    about = header(settings)
    print(about, flush=True)
    warn_if_busy()
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cpu_results = inprocess.main() if settings.inprocess else []
    summaries: list[Summary] = []
    verdicts: list[Verdict] = []
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        for backend in backends(settings, Path(tmp)):
            rows, result = bench_backend(backend, settings, Path(tmp) / backend.name)
            summaries += rows
            verdicts.append(result)
    bursts, latencies = outbox.main() if settings.outbox else ([], [])
    routes = routing.main() if settings.routing else []
    busy_days = erlang.main() if settings.queue else []
    expected = erlang.theory(
        erlang.COUNSELLORS,
        erlang.CALLS_PER_HOUR,
        erlang.TALK_MEAN_SECONDS + erlang.ACCEPT_AFTER_SECONDS,
    )
    waves, searches = callbacks.main() if settings.callbacks else ([], [])
    video_slots, races = appointments.main() if settings.appointments else ([], [])
    pages = statistics.main() if settings.statistics else []
    console_pages = console.main() if settings.console else []
    guarded = protection.main() if settings.protection else []
    floods = flood.main() if settings.flood else []
    scraped = metrics.main() if settings.metrics else None
    if cpu_results:
        print("\n" + inprocess.table(cpu_results))
    if bursts:
        print("\n" + outbox.table(bursts, latencies))
    if routes:
        print("\n" + routing.table(routes))
    if busy_days:
        print("\n" + erlang.table(expected, busy_days))
    if waves or searches:
        print("\n" + callbacks.table(waves, searches))
    if video_slots or races:
        print("\n" + appointments.table(video_slots, races))
    if pages:
        print("\n" + statistics.table(pages))
    if console_pages:
        print("\n" + console.table(console_pages))
    if guarded:
        print("\n" + protection.table(guarded))
    if floods:
        print("\n" + flood.table(floods))
    if scraped:
        print("\n" + metrics.table(*scraped))
    print("\n" + text_table(summaries) + "\n")
    for cpu_result in cpu_results:
        for line in inprocess.verdict_lines(cpu_result):
            print(line)
    for line in [
        *outbox.verdict_lines(bursts, latencies),
        *routing.verdict_lines(routes),
        *erlang.verdict_lines(expected, busy_days),
        *callbacks.verdict_lines(waves, searches),
        *appointments.verdict_lines(video_slots, races),
        *statistics.verdict_lines(pages),
        *console.verdict_lines(console_pages),
        *protection.verdict_lines(guarded),
        *flood.verdict_lines(floods),
        *(metrics.verdict_lines(*scraped) if scraped else []),
    ]:
        print(line)
    for result in verdicts:
        print(result.line())
    problems = [p for v in verdicts for p in v.problems] + appointments.problems(races)
    problems += statistics.problems(pages)
    problems += [line for line in protection.verdict_lines(guarded) if line.startswith("FAIL")]
    problems += [problem for result in floods for problem in result.problems()]
    if scraped:
        problems += [line for line in metrics.verdict_lines(*scraped) if line.startswith("FAIL")]
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    path = write_markdown(RESULTS / "latest.md", about, summaries, verdicts)
    print(f"\n{time.monotonic() - started:.0f} s; written to {path.relative_to(server.REPO)}")
    return 1 if problems or not summaries else 0


if __name__ == "__main__":
    sys.exit(main())
