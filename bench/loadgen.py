"""Closed-loop load: N clients, each sending one request after the other for a fixed time.

Requests are prepared before the clock starts (bodies signed, headers built), so the clients
spend their CPU on HTTP only. Each client keeps an `http.client` connection open for as long as
the server allows; gunicorn's sync workers close after every answer, and the client then
reconnects on its next request (the reconnect is part of the measured latency).
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Request = tuple[bytes, dict[str, str]]  # body, headers


@dataclass(frozen=True)
class Phase:
    """One measured run of one endpoint."""

    host: str
    port: int
    path: str
    marker: bytes  # must occur in every good answer (200 alone can hide a safe fallback)
    warmup: float
    duration: float


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)  # seconds, measured window only
    ok_total: int = 0  # good answers including warm-up (to check the rows written)
    errors: Counter[str] = field(default_factory=Counter)
    first_error: str = ""
    ran_out: int = 0  # requests sent again because the prepared ones were used up
    cpu_seconds: float = 0.0


@dataclass
class PhaseResult:
    latencies: list[float]
    ok_total: int
    errors: Counter[str]
    first_error: str
    ran_out: int
    cpu_seconds: float  # of the load generator, warm-up included
    duration: float  # the measured window
    elapsed: float  # warm-up and measured window
    machine_busy: float  # share of all cores busy during the phase (server, client, database)
    server_cpu: float  # CPU seconds of the gunicorn processes, warm-up included

    @property
    def server_ms_per_request(self) -> float:
        return self.server_cpu * 1000 / self.ok_total if self.ok_total else float("nan")

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.duration

    def percentile_ms(self, q: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
        return ordered[rank] * 1000


def _one_request(
    conn: http.client.HTTPConnection, path: str, request: Request, marker: bytes
) -> str | None:
    """Send one request; None when the answer is good, else what was wrong."""
    body, headers = request
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return type(error).__name__
    if response.status != 200:
        return f"HTTP {response.status}"
    if marker not in data:
        return "unexpected body"
    return None


def run_client(
    phase: Phase, requests: Sequence[Request], start: Callable[[], None]
) -> ClientResult:
    result = ClientResult()
    conn = http.client.HTTPConnection(phase.host, phase.port, timeout=30)
    start()
    cpu_start = time.process_time()
    begin = time.perf_counter()
    measure_from = begin + phase.warmup
    stop_at = measure_from + phase.duration
    index = 0
    now = begin
    while now < stop_at:
        if index == len(requests):
            result.ran_out += 1
        request = requests[min(index, len(requests) - 1)]
        index += 1
        problem = _one_request(conn, phase.path, request, phase.marker)
        done = time.perf_counter()
        if problem is None:
            result.ok_total += 1
            if now >= measure_from:
                result.latencies.append(done - now)
        else:
            result.errors[problem] += 1
            result.first_error = result.first_error or problem
        now = done
    conn.close()
    result.cpu_seconds = time.process_time() - cpu_start
    return result


def _process_client(
    phase: Phase, requests: Sequence[Request], barrier: object, queue: multiprocessing.Queue
) -> None:
    queue.put(run_client(phase, requests, barrier.wait))  # type: ignore[attr-defined]


def _run_processes(phase: Phase, per_client: Sequence[Sequence[Request]]) -> list[ClientResult]:
    context = multiprocessing.get_context("fork")  # prepared requests are inherited, not pickled
    barrier = context.Barrier(len(per_client))
    queue = context.Queue()
    workers = [
        context.Process(target=_process_client, args=(phase, requests, barrier, queue))
        for requests in per_client
    ]
    for worker in workers:
        worker.start()
    timeout = phase.warmup + phase.duration + 60  # a client that died must not hang the run
    results = [queue.get(timeout=timeout) for _ in workers]
    for worker in workers:
        worker.join()
    return results


def _run_threads(phase: Phase, per_client: Sequence[Sequence[Request]]) -> list[ClientResult]:
    barrier = threading.Barrier(len(per_client))
    results: list[ClientResult] = []
    cpu_start = time.process_time()

    def client(requests: Sequence[Request]) -> None:
        results.append(run_client(phase, requests, barrier.wait))

    threads = [threading.Thread(target=client, args=(requests,)) for requests in per_client]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:  # process_time is per process: count it once
        result.cpu_seconds = 0.0
    results[0].cpu_seconds = time.process_time() - cpu_start
    return results


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot; (0, 0) where /proc/stat is missing."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def run_phase(
    phase: Phase,
    per_client: Sequence[Sequence[Request]],
    mode: str,
    server_cpu: Callable[[], float] = lambda: 0.0,
) -> PhaseResult:
    """Run one client per entry of `per_client` (each with its own requests) and merge."""
    runner = _run_processes if mode == "processes" else _run_threads
    server_before = server_cpu()
    busy_before, total_before = cpu_ticks()
    results = runner(phase, per_client)
    busy_after, total_after = cpu_ticks()
    server_after = server_cpu()
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    return PhaseResult(
        latencies=[latency for result in results for latency in result.latencies],
        ok_total=sum(result.ok_total for result in results),
        errors=errors,
        first_error=next((r.first_error for r in results if r.first_error), ""),
        ran_out=sum(result.ran_out for result in results),
        cpu_seconds=sum(result.cpu_seconds for result in results),
        duration=phase.duration,
        elapsed=phase.warmup + phase.duration,
        machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
        server_cpu=server_after - server_before,
    )
