"""Databases and the gunicorn server under test: prepare, start, wait until healthy, stop."""

from __future__ import annotations

import math
import os
import runpy
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.processes import answers_health, stop
from tests.support.processes import free_port as free_port  # the bench modules use server.free_port
from tests.support.processes import run_hotline as hotline_cli  # and server.hotline_cli

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "gunicorn.conf.py"
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"


@dataclass(frozen=True)
class Backend:
    name: str
    url: str


def configured_workers() -> int:
    """The worker count gunicorn.conf.py yields here (it reads WEB_CONCURRENCY)."""
    return int(runpy.run_path(str(GUNICORN_CONF))["workers"])


def postgres_backend(log: Callable[[str], None]) -> Backend | None:
    """BENCH_DATABASE_URL as given, else a fresh `bench` database on the local server."""
    given = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if given:
        return Backend(make_url(given).get_backend_name(), given)
    try:
        admin = create_engine(
            POSTGRES_ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2}
        )
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS bench WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE bench"))
        admin.dispose()
    except Exception as error:  # no server, no rights: SQLite alone still runs
        log(f"PostgreSQL skipped: 127.0.0.1:5432 not usable ({type(error).__name__})")
        return None
    return Backend("postgresql", POSTGRES_BENCH)


def open_whatever_the_day(env: Mapping[str, str], timezone: str, hours: int = 2) -> None:
    """`hotline hours set open` for the next hours: a nationwide holiday closes the line even
    with hours open around the clock, and a benchmark on Christmas would measure that.
    `timezone`: the one in the service's `[hours]`, in which the command reads `--until`."""
    until = datetime.now(ZoneInfo(timezone)) + timedelta(hours=hours)
    hotline_cli(
        env, "hours", "set", "open", "--until", f"{until:%Y-%m-%d %H:%M}", "--note", "Benchmark"
    )


def count_rows(url: str) -> tuple[int, int]:
    """(calls, webhook_events) in the database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            calls = connection.execute(text("SELECT count(*) FROM calls")).scalar_one()
            events = connection.execute(text("SELECT count(*) FROM webhook_events")).scalar_one()
    finally:
        engine.dispose()
    return int(calls), int(events)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if root in (pid, parent):
            total += int(fields[11]) + int(fields[12])
    return total / tick


@contextmanager
def gunicorn(
    env: Mapping[str, str], port: int, log_file: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve bench.bench_app:app with the project's gunicorn.conf.py until the block ends."""
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "bench.bench_app:app"]
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command, env={**env, "PORT": str(port)}, cwd=REPO, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 60
            while not answers_health(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_file.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"gunicorn did not become healthy; log tail:\n{tail}")
                time.sleep(0.1)
            yield process
        finally:
            stop(process)


@contextmanager
def pyspy(pid: int, seconds: float, svg: Path) -> Iterator[None]:
    """Sample the server and its workers with py-spy (if installed) while the block runs."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    executable = shutil.which("py-spy", path=search)
    if executable is None:
        print("  BENCH_PYSPY: py-spy not found (`.venv/bin/pip install py-spy`)")
        yield
        return
    command = [executable, "record", "--pid", str(pid), "--subprocesses", "--nonblocking"]
    command += ["--duration", str(math.ceil(seconds)), "--output", str(svg)]
    if svg.suffix == ".txt":  # collapsed stacks, for reading or aggregating by function
        command += ["--format", "raw"]
    sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        sampler.wait(timeout=seconds + 60)
