"""Real processes for the tests where processes matter: `hotline scheduler` (standby,
kill -9) and gunicorn masters with their workers (limits shared between them, metrics
gathered from every worker)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class SchedulerProcesses:
    """Starts `hotline scheduler` processes with one environment; stops them all at the end."""

    def __init__(self, environment: Mapping[str, str], logs: Path) -> None:
        self._environment = {**os.environ, **environment}
        self._logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, **extra_environment: str) -> subprocess.Popen[bytes]:
        log = (self._logs / f"scheduler-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "hotline.cli", "scheduler"],
            env={**self._environment, **extra_environment},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def log_of(self, index: int) -> str:
        return (self._logs / f"scheduler-{index}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_hotline(environment: Mapping[str, str], *arguments: str) -> str:
    """`hotline …` as an operator runs it, in a process of its own; its output, or an
    AssertionError with everything it said when it failed."""
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", *arguments],
        env={**os.environ, **environment},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"hotline {' '.join(arguments)}: {result.stdout}{result.stderr}")
    return result.stdout


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class WebNode:
    """A gunicorn master serving `wsgi:app` with the project's gunicorn.conf.py."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on a connection of its own (gunicorn hands it to any of its workers)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def answers_health(port: int) -> bool:
    """Whether a server on this port answers /healthz with 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def web_node(environment: Mapping[str, str], log: Path, workers: int = 2) -> Iterator[WebNode]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with `workers` workers on a free port, until the
    block ends; waits until /healthz answers 200."""
    port = free_port()
    env = {**os.environ, **environment, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 90
        while not answers_health(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:]
                raise AssertionError(f"gunicorn did not answer on /healthz; its log:\n{tail}")
            time.sleep(0.1)
        yield WebNode(process, port, log)
    finally:
        stop(process)


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux: /proc/PID/task/*/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def kill_machine(node: WebNode) -> None:
    """`kill -9` of the gunicorn master and every worker at once, as when the machine the
    node runs on goes down: nothing is let finish, and the port stops answering."""
    workers = children(node.process.pid)
    node.process.send_signal(signal.SIGKILL)
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
    node.process.wait()


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, 30 s for a clean end, then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
