"""A busy day against the physical limit: the line measured against Erlang C.

Queueing theory gives the best any distributor can do. With N counsellors, arrival rate λ and
a handle time h (everything that keeps a counsellor from the next caller: the ring until the
whisper is accepted, the talk, the wrap-up), Erlang C gives the probability that a caller
waits and the mean wait. This simulates such a day in-process, with a moved clock, through the
real webhooks (signed requests to the WSGI app), the real distributor and the scheduler's
work (an in-process dispatcher whose gateway notes the legs instead of calling Twilio): N = 4,
Poisson arrivals of 14 calls an hour, talk times exponential with a mean of 12 minutes, every
leg accepted 8 s after it starts ringing, no wrap-up, no abandonment and no maximum wait.

The wait of a caller is counted until their counsellor's phone starts ringing (from then on
the counsellor is busy with them: the 8 s belong to h). Also counted: callers served out of
order, counsellors rung for two at once, callers told "niemand" while anyone was on duty.

Run alone with `python -m bench.erlang`; `make bench` runs it (`BENCH_QUEUE=0` skips it).
`BENCH_QUEUE_CALLS` sets the number of calls (default 2,000), `BENCH_QUEUE_SEED` the seed.
"""

from __future__ import annotations

import heapq
import io
import itertools
import math
import os
import random
import secrets
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import func, select

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
from bench.workload import caller_number
from hotline.app import work_tools
from hotline.clock import FixedClock
from hotline.crypto import generate_key
from hotline.mail.mailer import ConsoleMailer
from hotline.outbox.models import WorkItem, WorkState
from hotline.routing.models import CallOffer, OfferState
from hotline.scheduler.config import SchedulerConfig
from hotline.services import services
from hotline.telephony.gateway import OutboundCall
from hotline.telephony.models import Call, CallOutcome
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds

COUNSELLORS = 4
CALLS_PER_HOUR = 14.0
TALK_MEAN_SECONDS = 12 * 60.0
ACCEPT_AFTER_SECONDS = 8.0
ANSWERED_WITHIN = 60.0
POSTGRES_DATABASE = "bench_erlang"
# Erlang C's assumptions: one queue served by whoever is free longest, no wrap-up, nobody gives up
CONFIG = (
    ALWAYS_OPEN
    + """[routing]
strategy = "longest_idle"
wrap_up_seconds = 0
max_wait_seconds = 100000000
ring_seconds = 30
"""
)
START = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)  # a Monday


# --- Erlang C ------------------------------------------------------------------------------
def erlang_c(servers: int, load: float) -> float:
    """The probability that a caller waits, with `servers` and an offered load in Erlang."""
    if load >= servers:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < servers
    for k in range(1, servers):
        term *= load / k
        total += term
    top = term * load / servers * servers / (servers - load)
    return top / (total + top)


@dataclass(frozen=True)
class Theory:
    waits: float  # probability of waiting
    mean_wait: float  # seconds
    within: float  # share waiting at most ANSWERED_WITHIN seconds


def theory(servers: int, per_hour: float, handle: float) -> Theory:
    load = per_hour / 3600 * handle
    waits = erlang_c(servers, load)
    mean_wait = waits * handle / (servers - load)
    within = 1 - waits * math.exp(-(servers - load) * ANSWERED_WITHIN / handle)
    return Theory(waits, mean_wait, within)


# --- the simulated day ---------------------------------------------------------------------
class NotingGateway:
    """The scheduler's gateway: notes the legs it is asked to place (no Twilio)."""

    def __init__(self) -> None:
        self.placed: list[tuple[str, OutboundCall]] = []

    def place_call(self, call: OutboundCall) -> str:
        sid = "CA" + secrets.token_hex(16)
        self.placed.append((sid, call))
        return sid

    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str:
        return "SM" + secrets.token_hex(16)

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        """Nothing rings here that must be stopped."""

    def delete_queue(self, queue_sid: str) -> None:
        """The simulated queues need no deleting."""


@dataclass(order=True)
class Event:
    at: datetime
    number: int
    action: Callable[[], None] = field(compare=False)


@dataclass
class Day:
    app: Flask
    clock: FixedClock
    dispatcher: Dispatcher
    gateway: NotingGateway
    rng: random.Random
    events: list[Event] = field(default_factory=list)
    numbers: int = 0
    handled_legs: int = 0
    requests: int = 0

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.numbers += 1
        heapq.heappush(self.events, Event(when, self.numbers, action))

    def post(self, path: str, params: dict[str, str]) -> str:
        self.requests += 1
        url = f"{PUBLIC_BASE_URL}/twilio/voice/{path}"
        return call_webhook(self.app, signed_environ(Request("POST", url, params), TOKEN)).decode()

    def run(self, calls: int) -> None:
        when = START
        for number in range(calls):
            when += timedelta(seconds=self.rng.expovariate(CALLS_PER_HOUR / 3600))
            arrives = when + timedelta(minutes=1) if when.hour == 23 and when.minute == 59 else when
            sid = f"CA{number:032x}"
            self.at(arrives, lambda sid=sid: self.caller_arrives(sid))
        while self.events:
            due = self._next_due_work()
            if due is not None and due <= self.events[0].at:
                self.clock.set(max(due, self.clock.now()))
                self.dispatch()
                continue
            event = heapq.heappop(self.events)
            self.clock.set(max(event.at, self.clock.now()))
            event.action()
            self.dispatch()

    def dispatch(self) -> None:
        """The scheduler's work due now, then what it placed: each leg accepted 8 s later."""
        self.dispatcher.dispatch_until_idle(max_rounds=20)
        for sid, call in self.gateway.placed[self.handled_legs :]:
            when = self.clock.now() + timedelta(seconds=ACCEPT_AFTER_SECONDS)
            self.at(when, lambda sid=sid, call=call: self.leg_accepts(sid, call))
        self.handled_legs = len(self.gateway.placed)

    def caller_arrives(self, sid: str) -> None:
        params = _caller(sid)
        self.post("incoming", params)
        self.post("intake/language", {**params, "Digits": ""})
        self.post("intake/case-number?attempt=1", {**params, "Digits": ""})
        answer = self.post("route", params)
        if "<Enqueue" not in answer:
            raise RuntimeError(f"a caller was not queued at {self.clock.now()}: {answer[:300]}")

    def leg_accepts(self, leg_sid: str, call: OutboundCall) -> None:
        path = call.twiml_url.removeprefix(f"{PUBLIC_BASE_URL}/twilio/voice/")
        offer = parse_qs(urlsplit(call.twiml_url).query)["offer"][0]
        params = _leg(leg_sid, call.to)
        self.post(path, params)
        answer = self.post(f"whisper/answer?offer={offer}", {**params, "Digits": "1"})
        if "<Dial><Queue>" not in answer:
            return  # the caller was gone or taken: the leg ends
        caller = answer.split("<Queue>caller-", 1)[1].split("</Queue>", 1)[0]
        talk = timedelta(seconds=self.rng.expovariate(1 / TALK_MEAN_SECONDS))
        status_url = call.status_callback_url.removeprefix(f"{PUBLIC_BASE_URL}/twilio/voice/")
        self.at(self.clock.now() + talk, lambda: self.talk_ends(caller, leg_sid, call, status_url))

    def talk_ends(self, caller: str, leg_sid: str, call: OutboundCall, status_url: str) -> None:
        self.post("queue/result", {**_caller(caller), "QueueResult": "bridged"})
        self.post("status", {**_caller(caller), "CallStatus": "completed"})
        self.post(status_url, {**_leg(leg_sid, call.to), "CallStatus": "completed"})

    def _next_due_work(self) -> datetime | None:
        with services(self.app).database.transaction() as session:
            return session.scalar(
                select(func.min(WorkItem.due_at)).where(WorkItem.state == WorkState.PENDING)
            )


def _caller(sid: str) -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "From": caller_number(),
        "To": "+498003009944",
        "CallStatus": "in-progress",
        "Direction": "inbound",
    }


def _leg(sid: str, to: str) -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "From": "+498003009944",
        "To": to,
        "CallStatus": "in-progress",
        "Direction": "outbound-api",
    }


# --- what was measured ----------------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    backend: str
    calls: int
    waits: float
    mean_wait: float
    within: float
    out_of_order: int
    rung_twice: int
    told_nobody: int
    seconds: float
    requests: int


def measure(app: Flask, backend: str, seconds: float, requests: int) -> Measured:
    with services(app).database.transaction() as session:
        calls = session.execute(
            select(Call.call_sid, Call.queued_at, Call.ended_at, Call.outcome, Call.id).where(
                Call.direction == "inbound"
            )
        ).all()
        offers = session.execute(
            select(
                CallOffer.call_sid,
                CallOffer.counsellor_id,
                CallOffer.offered_at,
                CallOffer.ended_at,
                CallOffer.state,
            )
        ).all()
    ended = {sid: end for sid, _, end, _, _ in calls}
    queued = {sid: (at, order) for sid, at, _, _, order in calls if at is not None}
    assigned = {sid: at for sid, _, at, _, state in offers if state == OfferState.ACCEPTED}
    waits = [(assigned[sid] - at).total_seconds() for sid, (at, _) in queued.items()]
    # out of order: a caller whose counsellor was rung before that of one who joined earlier
    by_joining = sorted(queued, key=lambda sid: queued[sid])
    first_rung = [assigned[sid] for sid in by_joining]
    out_of_order = sum(1 for a, b in itertools.pairwise(first_rung) if b < a)
    # rung twice: a counsellor's offer starting before the last one (its call) was over
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for sid, counsellor, offered, offer_ended, state in offers:
        until = ended.get(sid) if state == OfferState.ACCEPTED else offer_ended
        busy.setdefault(counsellor, []).append((offered, until or offered))
    rung_twice = 0
    for spans in busy.values():
        spans.sort()
        rung_twice += sum(1 for (_, end), (start, _) in itertools.pairwise(spans) if start < end)
    told_nobody = sum(1 for *_, outcome, _ in calls if outcome == CallOutcome.NOBODY_ON_DUTY)
    return Measured(
        backend,
        len(waits),
        sum(1 for w in waits if w > 0) / len(waits),
        sum(waits) / len(waits),
        sum(1 for w in waits if w <= ANSWERED_WITHIN) / len(waits),
        out_of_order,
        rung_twice,
        told_nobody,
        seconds,
        requests,
    )


def run_backend(backend: str, folder: Path, calls: int, seed: int) -> Measured:
    folder.mkdir(parents=True, exist_ok=True)
    url, key = fresh_database(backend, folder, POSTGRES_DATABASE), generate_key()
    clock = FixedClock(START)
    gateway = NotingGateway()
    app = migrated_app(environment(url, folder, config=CONFIG, key=key), clock)
    svc = services(app)
    add_counsellors(app, COUNSELLORS, START)
    tools = replace(
        work_tools(app, mailer=ConsoleMailer(lambda line: None), clock=clock), gateway=gateway
    )
    dispatcher = Dispatcher(build_work_kinds(), tools, SchedulerConfig(workers=1), "bench")
    day = Day(app, clock, dispatcher, gateway, random.Random(seed))
    started = time.perf_counter()
    try:
        with redirect_stderr(io.StringIO()):
            day.run(calls)
        measured = measure(app, backend, time.perf_counter() - started, day.requests)
    finally:
        dispatcher.close()
        svc.database.dispose()
        drop_database(backend, POSTGRES_DATABASE)
    return measured


def table(expected: Theory, results: list[Measured]) -> str:
    lines = [
        f"{'':<22}{'P(wait)':>10}{'mean wait s':>14}{'within 60 s':>14}",
        f"{'Erlang C':<22}{expected.waits:>10.3f}{expected.mean_wait:>14.1f}"
        f"{expected.within:>14.3f}",
    ]
    for r in results:
        lines.append(
            f"{'measured ' + r.backend:<22}{r.waits:>10.3f}{r.mean_wait:>14.1f}{r.within:>14.3f}"
        )
    lines.append("")
    lines.append(
        f"{'backend':<12}{'calls':>7}{'out of order':>14}{'rung twice':>12}"
        f"{'told nobody':>13}{'requests':>10}{'run s':>8}"
    )
    for r in results:
        lines.append(
            f"{r.backend:<12}{r.calls:>7}{r.out_of_order:>14}{r.rung_twice:>12}"
            f"{r.told_nobody:>13}{r.requests:>10}{r.seconds:>8.0f}"
        )
    return "\n".join(lines)


def verdict_lines(expected: Theory, results: list[Measured]) -> list[str]:
    limit = 1.1 * expected.mean_wait + 3
    lines = []
    for r in results:
        ok = r.mean_wait <= limit and not (r.out_of_order or r.rung_twice or r.told_nobody)
        lines.append(
            f"{r.backend}: mean wait {r.mean_wait:.1f} s, target <= 1.1 x Erlang C + 3 s = "
            f"{limit:.1f} s; out of order {r.out_of_order}, rung twice {r.rung_twice}, told "
            f"nobody {r.told_nobody} (targets 0) {'PASS' if ok else 'FAIL'}"
        )
    return lines


def main() -> list[Measured]:
    calls = int(os.environ.get("BENCH_QUEUE_CALLS", "2000"))
    seed = int(os.environ.get("BENCH_QUEUE_SEED", "20261207"))
    expected = theory(COUNSELLORS, CALLS_PER_HOUR, TALK_MEAN_SECONDS + ACCEPT_AFTER_SECONDS)
    print(
        f"queue against Erlang C: {calls} calls, N = {COUNSELLORS}, {CALLS_PER_HOUR:g} calls/h, "
        f"talk exp. mean {TALK_MEAN_SECONDS / 60:g} min, accepted after "
        f"{ACCEPT_AFTER_SECONDS:g} s (in h), no wrap-up, seed {seed}",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="hotline-erlang-") as tmp:
        for backend in chosen_backends():
            results.append(run_backend(backend, Path(tmp) / backend, calls, seed))
    print("\n" + table(expected, results) + "\n")
    for line in verdict_lines(expected, results):
        print(line)
    return results


if __name__ == "__main__":
    main()
