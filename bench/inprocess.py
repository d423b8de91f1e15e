"""CPU per webhook, measured in-process: what one `/incoming` and one whole call cost.

No HTTP server and no client share the two cores here: the app is called as a WSGI callable
with environs prepared (and signed) before the clock starts, and the process's own CPU time is
read around the run. On PostgreSQL the CPU of the server's processes is read from /proc as
well. The whole call is the request sequence `hotline simulate` records for a caller in opening
hours with two counsellors on duty who ring at once and the first answers (the table prints how
many requests that is; the case-number step routes in its own answer since issue 24, one
request fewer than a Redirect to `route`). Each replay gets fresh CallSids, so every request is
a first delivery.

Run alone with `python -m bench.inprocess`; `make bench` runs it before the load test.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.test import EnvironBuilder

from bench.databases import chosen_backends, fresh_database
from bench.workload import caller_number
from hotline import migrate
from hotline.app import create_app, work_tools
from hotline.clock import FixedClock
from hotline.config import load_settings
from hotline.crypto import generate_key
from hotline.demo import seed_demo
from hotline.mail.mailer import ConsoleMailer
from hotline.routing.models import CallOffer
from hotline.scheduler.config import SchedulerConfig
from hotline.services import services
from hotline.simulator import CallPlayer, ScriptedCaller, Switchboard
from hotline.simulator.transports import FlaskClientTransport, TwimlReply
from hotline.telephony.urls import FALLBACK_PATH, INCOMING_STEP, STATUS_PATH, voice_url
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds

PUBLIC_BASE_URL = "https://hotline.example.org"
TOKEN = "bench-" + uuid.uuid4().hex
CALLER = "+4915123456789"
POSTGRES_DATABASE = "bench_inprocess"
# Targets of the hardening issue (ms of CPU).
TARGETS = {
    "sqlite": {"incoming": 0.7, "incoming_server": None, "call": 14.0, "call_server": None},
    "postgresql": {"incoming": 1.0, "incoming_server": 0.3, "call": 27.0, "call_server": None},
}


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    params: dict[str, str]


@dataclass(frozen=True)
class Cost:
    """Median CPU milliseconds per unit over the rounds: this process, the database server."""

    app_ms: float
    server_ms: float | None


def signed_environ(request: Request, token: str = TOKEN) -> dict[str, Any]:
    parts = urlsplit(request.url)
    signature = RequestValidator(token).compute_signature(request.url, request.params)
    builder = EnvironBuilder(
        path=parts.path,
        query_string=parts.query,
        method=request.method,
        data=request.params,
        headers={"X-Twilio-Signature": signature, "I-Twilio-Idempotency-Token": uuid.uuid4().hex},
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call_webhook(app: Flask, environ: dict[str, Any]) -> bytes:
    status: list[str] = []
    body = b"".join(app.wsgi_app(environ, lambda s, h, e=None: status.append(s)))
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"{environ['PATH_INFO']} answered {status}: {body[:200]!r}")
    return body


class RecordingTransport(FlaskClientTransport):
    """The simulator's in-process transport, noting every request of the call."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.test_client(), TOKEN, PUBLIC_BASE_URL)
        self.requests: list[Request] = []

    def request(self, method: str, url: str, params: Mapping[str, str]) -> TwimlReply:
        self.requests.append(Request(method, url, dict(params)))
        return super().request(method, url, params)


def recorded_call(app: Flask) -> list[Request]:
    """An answered call: both demo counsellors rung at once, the first presses 1, the other's
    ringing is ended by the service; every request of the caller and of the legs, in order.
    (Letting calls pass would take a counsellor off duty after three replays.)"""
    transport = RecordingTransport(app)
    switchboard = Switchboard(transport, ["accept", "ignore"])
    tools = work_tools(app, gateway=switchboard, mailer=ConsoleMailer(lambda line: None))
    dispatcher = Dispatcher(build_work_kinds(), tools, SchedulerConfig(workers=1), "bench")
    try:
        CallPlayer(
            transport,
            ScriptedCaller(["-", "-"]),
            from_number=CALLER,
            fallback_url=voice_url(PUBLIC_BASE_URL, FALLBACK_PATH),
            status_callback_url=voice_url(PUBLIC_BASE_URL, STATUS_PATH),
            switchboard=switchboard,
            dispatch=dispatcher.dispatch_due,
        ).run(voice_url(PUBLIC_BASE_URL, INCOMING_STEP))
    finally:
        dispatcher.close()
    return transport.requests


def with_fresh_sids(requests: list[Request]) -> list[Request]:
    """The same call again under new CallSids (the caller's and every leg's)."""
    sids = {
        value
        for request in requests
        for key, value in request.params.items()
        if key.endswith("CallSid") and value
    }
    fresh = {sid: "CA" + uuid.uuid4().hex for sid in sids}
    fresh[CALLER] = caller_number()  # and a caller of its own (`[abuse] calls_per_hour`)
    return [
        Request(
            request.method,
            request.url,
            {key: fresh.get(value, value) for key, value in request.params.items()},
        )
        for request in requests
    ]


def incoming_request() -> Request:
    params = {
        "CallSid": "CA" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": caller_number(),
        "To": "+498003009944",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    return Request("POST", voice_url(PUBLIC_BASE_URL, INCOMING_STEP), params)


def postgres_cpu_seconds() -> float:
    """CPU used so far by every PostgreSQL server process this user can see."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        if "(postgres)" not in raw[:64]:
            continue
        fields = raw.rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick


def measure(
    app: Flask, batches: list[list[dict[str, Any]]], server: Callable[[], float] | None
) -> Cost:
    """Median over the batches of CPU ms per batch element (a request or a whole call)."""
    app_costs, server_costs = [], []
    for batch in batches:
        units = len(batch)
        server_before = server() if server else 0.0
        started = time.process_time()
        for unit in batch:
            for environ in unit if isinstance(unit, list) else [unit]:
                call_webhook(app, environ)
        app_costs.append((time.process_time() - started) * 1000 / units)
        if server:
            server_costs.append((server() - server_before) * 1000 / units)
    return Cost(statistics.median(app_costs), statistics.median(server_costs) if server else None)


@contextmanager
def bench_app(name: str, folder: Path) -> Iterator[Flask]:
    url = fresh_database(name, folder, POSTGRES_DATABASE)
    env = {
        "HOTLINE_ENV": "development",
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "HOTLINE_DATA_KEY": generate_key(),
        "HOTLINE_CONFIG": "",
    }
    with redirect_stderr(io.StringIO()):  # the JSON log lines are written, not printed
        settings = load_settings(env, instance_path=folder / name)
        clock = FixedClock(_thursday_morning())
        app = create_app(settings, clock=clock, log_level="INFO")
        svc = services(app)
        migrate.upgrade(svc.database.engine)
    with svc.database.transaction() as session:
        seed_demo(session, svc.cipher, clock.now())
    try:
        yield app
    finally:
        svc.database.dispose()


def _thursday_morning():  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@dataclass(frozen=True)
class Result:
    backend: str
    incoming: Cost
    call: Cost
    requests_per_call: int


def run_backend(
    name: str, folder: Path, incoming_count: int, call_count: int, rounds: int
) -> Result:
    with bench_app(name, folder) as app, redirect_stderr(io.StringIO()):
        template = recorded_call(app)
        server = postgres_cpu_seconds if name == "postgresql" else None
        warm = [signed_environ(incoming_request()) for _ in range(200)]
        measure(app, [warm], None)  # caches, pools, first-use imports
        incoming_batches = [
            [signed_environ(incoming_request()) for _ in range(incoming_count)]
            for _ in range(rounds)
        ]
        incoming = measure(app, incoming_batches, server)
        call = measure_calls(app, template, call_count, rounds, server)
    return Result(name, incoming, call, len(template))


def measure_calls(
    app: Flask,
    template: list[Request],
    count: int,
    rounds: int,
    server: Callable[[], float] | None,
) -> Cost:
    """Median over rounds of CPU ms per whole call, the recorded call replayed `count` times.

    The counsellors' legs name the offer and work rows the routing step made (`?offer=`,
    `?work=`); a replayed routing step makes new ones, so after it the ids are looked up and
    the following requests rewritten. Only the webhook calls are timed; the lookups are not
    (on PostgreSQL their few server microseconds are counted with the server's CPU).
    """
    app_costs, server_costs = [], []
    recorded = _ids_named(template)
    for _ in range(rounds):
        spent = 0.0
        server_before = server() if server else 0.0
        for _ in range(count):
            requests, mapping = with_fresh_sids(template), {}
            for request in requests:
                environ = signed_environ(_renamed(request, mapping))
                started = time.process_time()
                call_webhook(app, environ)
                spent += time.process_time() - started
                if urlsplit(request.url).path.endswith(ROUTING_STEPS):
                    mapping = _new_ids(app, request.params["CallSid"], recorded)
        app_costs.append(spent * 1000 / count)
        if server:
            server_costs.append((server() - server_before) * 1000 / count)
    return Cost(statistics.median(app_costs), statistics.median(server_costs) if server else None)


# the steps that put the caller in line (intake routes in its last answer; `route` stays for
# calls that were on their way there)
ROUTING_STEPS = ("/route", "/intake/case-number")


def _ids_named(template: list[Request]) -> dict[str, list[str]]:
    """The offer and work ids the recorded legs' URLs name, in order of first use."""
    named: dict[str, list[str]] = {"offer": [], "work": []}
    for request in template:
        for key, values in parse_qs(urlsplit(request.url).query).items():
            if key in named and values[0] not in named[key]:
                named[key].append(values[0])
    return named


def _new_ids(app: Flask, caller_sid: str, recorded: dict[str, list[str]]) -> dict[str, str]:
    with services(app).database.transaction() as session:
        offers = session.execute(
            select(CallOffer.id, CallOffer.work_item_id)
            .where(CallOffer.call_sid == caller_sid)
            .order_by(CallOffer.id)
        ).all()
    mapping = {}
    for old, (offer_id, _work) in zip(recorded["offer"], offers, strict=False):
        mapping[f"offer={old}"] = f"offer={offer_id}"
    for old, (_offer, work_id) in zip(recorded["work"], offers, strict=False):
        mapping[f"work={old}"] = f"work={work_id}"
    return mapping


def _renamed(request: Request, mapping: dict[str, str]) -> Request:
    url = request.url
    for old, new in mapping.items():
        url = re.sub(rf"(?<![\w]){re.escape(old)}(?![\d])", new, url)
    return Request(request.method, url, request.params)


def verdict_lines(result: Result) -> list[str]:
    targets = TARGETS[result.backend]
    lines = []
    figures = (
        ("/incoming CPU", result.incoming.app_ms, targets["incoming"]),
        ("/incoming server CPU", result.incoming.server_ms, targets["incoming_server"]),
        ("whole call CPU", result.call.app_ms, targets["call"]),
    )
    for label, value, target in figures:
        if value is None or target is None:
            continue
        status = "ok" if value <= target else "FAIL"
        lines.append(f"{result.backend}: {label} {value:.2f} ms (target <= {target} ms) {status}")
    return lines


def table(results: list[Result]) -> str:
    header = (
        f"{'backend':<10}  {'/incoming ms':>12}  {'+ server ms':>11}  "
        f"{'whole call ms':>13}  {'+ server ms':>11}  {'requests/call':>13}"
    )
    rows = [header, "-" * len(header)]
    for r in results:
        server_in = f"{r.incoming.server_ms:.2f}" if r.incoming.server_ms is not None else "-"
        server_call = f"{r.call.server_ms:.2f}" if r.call.server_ms is not None else "-"
        rows.append(
            f"{r.backend:<10}  {r.incoming.app_ms:>12.2f}  {server_in:>11}  "
            f"{r.call.app_ms:>13.2f}  {server_call:>11}  {r.requests_per_call:>13}"
        )
    return "\n".join(rows)


def main() -> list[Result]:
    incoming_count = int(os.environ.get("BENCH_INPROCESS_REQUESTS", "2000"))
    call_count = int(os.environ.get("BENCH_INPROCESS_CALLS", "150"))
    rounds = int(os.environ.get("BENCH_INPROCESS_ROUNDS", "3"))
    print(
        f"in-process CPU: {rounds} rounds of {incoming_count} /incoming requests and "
        f"{call_count} whole calls per backend, median round",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="hotline-inprocess-") as tmp:
        for name in chosen_backends():
            results.append(run_backend(name, Path(tmp), incoming_count, call_count, rounds))
    print("\n" + table(results) + "\n")
    for result in results:
        for line in verdict_lines(result):
            print(line)
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
