"""A call flood against two gunicorn workers (issue 27): 50 calls a second from rotating
numbers for a minute, while 5 genuine callers call in.

The service runs as in production (`gunicorn.conf.py`, `WEB_CONCURRENCY=2`) on a fresh
SQLite database, a counsellor on duty, flood mode switched on by hand before the flood
(`hotline flood on`; the judge that switches it by itself is tested in
`tests/hotline/abuse/test_flood_judge.py`, and looks only every 15 s). Each flood call is a
script that cannot hear: the incoming request, then two wrong answers to the challenge. The
genuine callers (one every `seconds / 5`) hear the digits, type them, choose German, skip the
case number and are put in line. Every request is signed as Twilio signs it and timed from
sending to the last byte of its answer.

What must hold: every genuine caller is queued (after the challenge), no flood call is
(none reaches a counsellor: nobody is rung for a caller not in line), no answer takes longer
than 2 s. Knobs: `BENCH_FLOOD_SECONDS` (60), `BENCH_FLOOD_RATE` (50 calls a second),
`BENCH_FLOOD=0` skips it in `make bench`. Alone: `python -m bench.flood`.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bench import server
from bench.apps import ALWAYS_OPEN
from bench.workload import caller_number
from hotline.crypto import generate_key

GENUINE = 5
LIMIT_SECONDS = 2.0
THREADS = 48
_DIGITS = re.compile(r"Ziffern ([0-9 ]+) ein")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    genuine_queued: int = 0
    flood_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Result:
    seconds: float
    rate: float
    flood_calls: int
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    genuine_queued: int
    flood_queued: int
    errors: int
    first_error: str

    def problems(self) -> list[str]:
        found = []
        if self.genuine_queued != GENUINE:
            found.append(f"{self.genuine_queued} of {GENUINE} genuine callers queued")
        if self.flood_queued:
            found.append(f"{self.flood_queued} flood calls queued")
        if self.max_ms > LIMIT_SECONDS * 1000:
            found.append(f"the slowest answer took {self.max_ms:.0f} ms")
        if self.errors:
            found.append(f"{self.errors} requests failed ({self.first_error})")
        return found


class Line:
    """One HTTP connection to the service, posting signed Twilio requests."""

    def __init__(self, port: int, base_url: str, token: str, tally: Tally) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.base_url, self.validator, self.tally = base_url, RequestValidator(token), tally

    def post(self, path: str, params: dict[str, str]) -> str:
        signature = self.validator.compute_signature(self.base_url + path, params)
        headers = {**FORM, "X-Twilio-Signature": signature}
        started = time.monotonic()
        try:
            self.connection.request("POST", path, urlencode(params), headers)
            response = self.connection.getresponse()
            body = response.read().decode()
        except OSError as error:
            self.connection.close()
            self._note(time.monotonic() - started, f"{type(error).__name__} on {path}")
            return ""
        self._note(
            time.monotonic() - started, "" if response.status == 200 else str(response.status)
        )
        return body

    def _note(self, seconds: float, error: str) -> None:
        with self.tally.lock:
            self.tally.latencies.append(seconds)
            if error:
                self.tally.errors.append(error)


def _params(sid: str, number: str, **extra: str) -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": number,
        "To": "+498003009944",
        "CallStatus": "ringing",
        "Direction": "inbound",
        **extra,
    }


def flood_call(line: Line) -> None:
    sid, number = "CA" + uuid.uuid4().hex, caller_number()
    line.post("/twilio/voice/incoming", _params(sid, number))
    for attempt in (1, 2):
        line.post(
            f"/twilio/voice/protection/challenge?attempt={attempt}",
            _params(sid, number, Digits="0"),
        )


def genuine_call(line: Line, tally: Tally) -> None:
    sid, number = "CA" + uuid.uuid4().hex, caller_number()
    heard = line.post("/twilio/voice/incoming", _params(sid, number))
    match = _DIGITS.search(heard)
    if not match:
        return
    digits = match.group(1).replace(" ", "")
    line.post("/twilio/voice/protection/challenge?attempt=1", _params(sid, number, Digits=digits))
    line.post("/twilio/voice/intake/language", _params(sid, number, Digits=""))
    routed = line.post(
        "/twilio/voice/intake/case-number?attempt=1", _params(sid, number, Digits="")
    )
    if "<Enqueue" in routed:
        with tally.lock:
            tally.genuine_queued += 1


def _environment(folder: Path, port: int) -> dict[str, str]:
    (folder / "hotline.toml").write_text(ALWAYS_OPEN)
    return {
        **os.environ,
        "HOTLINE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'flood.db'}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_AUTH_TOKEN": "bench-" + uuid.uuid4().hex,
        "HOTLINE_DATA_KEY": generate_key(),
        "HOTLINE_HASH_KEY": generate_key(),
        "HOTLINE_INSTANCE_PATH": str(folder),
        "HOTLINE_CONFIG": str(folder / "hotline.toml"),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
    }


def run(seconds: float, rate: float) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as name:
        folder, port = Path(name), server.free_port()
        env = _environment(folder, port)
        server.hotline_cli(env, "db", "upgrade")
        server.hotline_cli(
            env, "counsellor", "add", "Bench", "--phone", "0228 5550100", "--on-duty"
        )
        server.hotline_cli(env, "flood", "on")
        server.open_whatever_the_day(env, "UTC")  # ALWAYS_OPEN's zone
        tally = Tally()
        with server.gunicorn(env, port, folder / "gunicorn.log"):
            _load(port, env, tally, seconds, rate)
        engine = create_engine(env["DATABASE_URL"])
        with engine.connect() as connection:
            queued = connection.execute(
                text("SELECT count(*) FROM calls WHERE queued_at IS NOT NULL")
            ).scalar_one()
        engine.dispose()
    latencies = sorted(tally.latencies) or [0.0]
    return Result(
        seconds,
        rate,
        tally.flood_calls,
        len(tally.latencies),
        statistics.median(latencies) * 1000,
        latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        latencies[-1] * 1000,
        tally.genuine_queued,
        int(queued) - tally.genuine_queued,
        len(tally.errors),
        tally.errors[0] if tally.errors else "",
    )


def _load(port: int, env: dict[str, str], tally: Tally, seconds: float, rate: float) -> None:
    """Flood calls started at `rate` a second, genuine ones spread over the run."""
    total = int(seconds * rate)
    genuine_at = {int(total * (n + 0.5) / GENUINE) for n in range(GENUINE)}
    next_call, lock = [0], threading.Lock()
    started = time.monotonic()

    def worker() -> None:
        line = Line(port, env["PUBLIC_BASE_URL"], env["TWILIO_AUTH_TOKEN"], tally)
        while True:
            with lock:
                number = next_call[0]
                next_call[0] += 1
            if number >= total:
                return
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if number in genuine_at:
                genuine_call(line, tally)
            else:
                flood_call(line)
                with tally.lock:
                    tally.flood_calls += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def table(results: list[Result]) -> str:
    lines = [
        "call flood against 2 gunicorn workers (SQLite), flood mode on",
        f"{'calls/s':>8}{'s':>5}{'flood calls':>13}{'requests':>10}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'max ms':>8}{'genuine queued':>16}{'flood queued':>14}{'errors':>8}",
    ]
    for r in results:
        lines.append(
            f"{r.rate:>8.0f}{r.seconds:>5.0f}{r.flood_calls:>13}{r.requests:>10}{r.p50_ms:>8.1f}"
            f"{r.p99_ms:>8.1f}{r.max_ms:>8.0f}{f'{r.genuine_queued}/{GENUINE}':>16}"
            f"{r.flood_queued:>14}{r.errors:>8}"
        )
    return "\n".join(lines)


def verdict_lines(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        said = "; ".join(r.problems()) or (
            f"{GENUINE}/{GENUINE} genuine queued, no flood call queued, slowest {r.max_ms:.0f} ms"
        )
        verdict = "FAIL" if r.problems() else "PASS"
        lines.append(f"{verdict}  flood of {r.rate:.0f} calls/s for {r.seconds:.0f} s: {said}")
    return lines


def main() -> list[Result]:
    seconds = float(os.environ.get("BENCH_FLOOD_SECONDS", "60"))
    rate = float(os.environ.get("BENCH_FLOOD_RATE", "50"))
    print(f"flood: {rate:.0f} calls a second for {seconds:.0f} s, {GENUINE} genuine", flush=True)
    results = [run(seconds, rate)]
    print(table(results))
    for line in verdict_lines(results):
        print(line)
    return results


if __name__ == "__main__":
    main()
