"""Callbacks: a Monday morning after a long weekend, and finding the next free slots.

1. The wave: 500 callbacks booked on the Saturday for the first two hours of Monday (eight
   15-minute slots, 70 counsellors). At 9:00 the scheduler's dispatcher (in-process, as many
   workers as in production, the clock held at 9:00) places the first wave: each due
   `place_callback` rings a counsellor through the real gateway against the local fake
   Twilio server. Measured: the wall time until every callback of the wave has rung its
   counsellor, and duplicates (a work item requested twice, a callback ringing two
   counsellors, a counsellor rung for two callbacks): must be 0. Baseline in the same run:
   as many plain `place_call` items (no choosing, no locking) through the same dispatcher.
2. The next three free slots: 30 counsellors (some with weekly windows, some absent), 2,000
   callbacks booked from the next opening on, so that the first ~60 slots are full and the
   finder has to look days ahead. Measured: one `free_slots()` in its own transaction, as the
   webhook does it; p50/p99 over 300 runs (target p99 < 20 ms). Baseline: the same with
   nothing booked.

Run alone with `python -m bench.callbacks`; `make bench` runs it (`BENCH_CALLBACKS=0` skips).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import redirect_stderr
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from flask import Flask

from bench.apps import add_counsellors, environment, migrated_app
from bench.databases import chosen_backends, fresh_database
from hotline.app import scheduling_config, units_of, work_tools
from hotline.callbacks.models import Callback, CallbackState
from hotline.clock import FixedClock
from hotline.mail.mailer import ConsoleMailer
from hotline.outbox import queue, side_effects
from hotline.scheduler.config import SchedulerConfig
from hotline.sections_config import SchedulingConfig
from hotline.services import services
from hotline.telephony.phone_numbers import callback_number
from scheduling.availability.service import add_absence, parse_window, set_windows
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds
from tests.support.fake_twilio import FakeTwilioServer

BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN)
MONDAY_NINE = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)
WAVE_CALLBACKS = int(os.environ.get("BENCH_CALLBACKS_WAVE", "500"))
WAVE_COUNSELLORS = 70
WAVE_SLOTS = 8  # the first two hours
SLOT_COUNSELLORS = 30
SLOT_BOOKINGS = int(os.environ.get("BENCH_CALLBACKS_BOOKED", "2000"))
SLOT_RUNS = 300
TARGET_SLOTS_P99_MS = 20.0


@dataclass(frozen=True)
class WaveResult:
    backend: str
    booked: int
    booking_ms: float  # per booking, on the Saturday
    wave: int
    wave_seconds: float
    baseline_seconds: float
    duplicates: int


@dataclass(frozen=True)
class SlotsResult:
    backend: str
    booked: int
    p50_ms: float
    p99_ms: float
    empty_p50_ms: float
    empty_p99_ms: float
    first_free_days_ahead: float


def bench_app(url: str, folder: Path, clock: FixedClock, twilio_url: str = "") -> Flask:
    return migrated_app(environment(url, folder, twilio_url=twilio_url), clock)


def book(app: Flask, slots: list[datetime], count: int) -> float:
    """`count` callbacks spread round-robin over `slots`, each booked as a caller would;
    returns ms per booking."""
    svc = services(app)
    started = time.perf_counter()
    for index in range(count):
        with svc.database.transaction() as session:
            desk = units_of(app).within(session, now=svc.clock.now()).callbacks
            callback_id = desk.take_number(
                f"CA{index:032x}",
                callback_number(
                    f"+49 151 {30000000 + index}", hotline_number=svc.settings.hotline_number
                ),
            )
            if not desk.book(callback_id, slots[index % len(slots)]):
                raise RuntimeError(f"booking {index} found its slot full")
    return (time.perf_counter() - started) * 1000 / count


def dispatcher_for(app: Flask, clock: FixedClock) -> Dispatcher:
    tools = work_tools(app, mailer=ConsoleMailer(lambda line: None), clock=clock)
    return Dispatcher(build_work_kinds(), tools, SchedulerConfig(), "bench")


def drain(dispatcher: Dispatcher) -> float:
    started = time.perf_counter()
    dispatcher.dispatch_until_idle()
    return time.perf_counter() - started


def wave(backend: str, folder: Path) -> WaveResult:
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(backend, folder, "bench_callbacks_wave")
    clock = FixedClock(SATURDAY)
    with FakeTwilioServer() as fake, redirect_stderr(io.StringIO()):
        app = bench_app(url, folder, clock, fake.url)
        svc = services(app)
        add_counsellors(app, WAVE_COUNSELLORS)
        slots = [MONDAY_NINE + timedelta(minutes=15 * n) for n in range(WAVE_SLOTS)]
        booking_ms = book(app, slots, WAVE_CALLBACKS)
        dispatcher = dispatcher_for(app, clock)
        drain(dispatcher)  # the SMS confirmations of the Saturday
        first_wave = sum(1 for index in range(WAVE_CALLBACKS) if index % WAVE_SLOTS == 0)
        # baseline: as many plain calls, due at once, through the same dispatcher
        with svc.database.transaction() as session:
            for number in range(first_wave):
                work = side_effects.place_call(
                    f"bench-baseline:{number}",
                    to="+4922812345678",
                    answer_path="whisper",
                    due_at=SATURDAY,
                )
                queue.enqueue(session, svc.cipher, SATURDAY, work)
        baseline = drain(dispatcher)
        baseline_requests = len(fake.requests)
        clock.set(MONDAY_NINE)
        wave_seconds = drain(dispatcher)
        rings = fake.requests[baseline_requests:]
        dispatcher.close()
        svc.database.dispose()
    return WaveResult(
        backend,
        WAVE_CALLBACKS,
        booking_ms,
        len(rings),
        wave_seconds,
        baseline,
        _duplicates(rings, fake.requests_per_work_item(), expected=first_wave),
    )


def _duplicates(rings: list, per_work_item: Counter, *, expected: int) -> int:
    attempts = Counter(parse_qs(urlsplit(r.form["Url"][0]).query)["attempt"][0] for r in rings)
    counsellors = Counter(r.form["To"][0] for r in rings)
    twice = sum(count - 1 for count in per_work_item.values() if count > 1)
    return (
        twice
        + sum(count - 1 for count in attempts.values())
        + sum(count - 1 for count in counsellors.values())
        + abs(expected - len(rings))
    )


def slot_search(backend: str, folder: Path) -> SlotsResult:
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(backend, folder, "bench_callbacks_slots")
    clock = FixedClock(SATURDAY)
    with redirect_stderr(io.StringIO()):
        app = bench_app(url, folder, clock)
        svc, config = services(app), scheduling_config(app)
        counsellors = add_counsellors(app, SLOT_COUNSELLORS)
        with svc.database.transaction() as session:
            for index in counsellors[:8]:  # part-timers
                set_windows(
                    session,
                    index,
                    [
                        parse_window(f"{day}=09:00-12:00")
                        for day in ("mon", "tue", "wed", "thu", "fri")
                    ],
                )
            for index in counsellors[8:11]:  # on leave next week
                add_absence(session, index, date(2026, 12, 7), date(2026, 12, 11), SATURDAY)
        empty = _time_free_slots(app, config)
        with svc.database.transaction() as session:
            finder = units_of(app).within(session, now=clock.now()).callbacks.slot_finder()
            capacity_slots = [
                (start, finder.capacity(start)) for start in finder.candidate_starts(clock.now())
            ]
        places = [start for start, capacity in capacity_slots for _ in range(capacity)]
        _book_places(app, places[:SLOT_BOOKINGS])
        loaded = _time_free_slots(app, config)
        with svc.database.transaction() as session:
            first = units_of(app).within(session, now=clock.now()).callbacks.free_slots()[0]
        svc.database.dispose()
    days_ahead = (first.start - MONDAY_NINE).total_seconds() / 86400
    return SlotsResult(
        backend,
        SLOT_BOOKINGS,
        statistics.median(loaded),
        _p99(loaded),
        statistics.median(empty),
        _p99(empty),
        days_ahead,
    )


def _book_places(app: Flask, places: list[datetime]) -> None:
    """2,000 bookings straight into their places (the booking itself is measured in the wave),
    200 to a transaction: a web worker's connection is cut after a few seconds."""
    svc = services(app)
    seats: Counter = Counter()
    for first in range(0, len(places), 200):
        with svc.database.transaction() as session:
            desk = units_of(app).within(session, now=svc.clock.now()).callbacks
            for index, start in enumerate(places[first : first + 200], start=first):
                callback_id = desk.take_number(
                    f"CB{index:032x}",
                    callback_number(
                        f"+49 151 {40000000 + index}", hotline_number=svc.settings.hotline_number
                    ),
                )
                seats[start] += 1
                row = session.get(Callback, callback_id)
                row.slot_start, row.seat, row.due_at = start, seats[start], start
                row.state = CallbackState.BOOKED


def _time_free_slots(app: Flask, config: SchedulingConfig) -> list[float]:
    svc = services(app)
    timings = []
    for _ in range(SLOT_RUNS):
        started = time.perf_counter()
        with svc.database.transaction() as session:
            slots = units_of(app).within(session, now=svc.clock.now()).callbacks.free_slots()
        timings.append((time.perf_counter() - started) * 1000)
        assert len(slots) == 3
    return timings


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def table(waves: list[WaveResult], searches: list[SlotsResult]) -> str:
    lines = [
        "{:<10}  {:>6}  {:>11}  {:>5}  {:>9}  {:>12}  {:>5}  {:>10}".format(
            "backend",
            "booked",
            "ms/booking",
            "wave",
            "wave s",
            "baseline s",
            "ratio",
            "duplicates",
        ),
        "-" * 84,
    ]
    for w in waves:
        lines.append(
            f"{w.backend:<10}  {w.booked:>6}  {w.booking_ms:>11.1f}  {w.wave:>5}  "
            f"{w.wave_seconds:>9.2f}  {w.baseline_seconds:>12.2f}  "
            f"{w.wave_seconds / w.baseline_seconds:>5.1f}  {w.duplicates:>10}"
        )
    lines += [
        "",
        "{:<10}  {:>6}  {:>9}  {:>9}  {:>14}  {:>14}  {:>15}".format(
            "backend",
            "booked",
            "p50 ms",
            "p99 ms",
            "empty p50 ms",
            "empty p99 ms",
            "first free in d",
        ),
        "-" * 89,
    ]
    for s in searches:
        lines.append(
            f"{s.backend:<10}  {s.booked:>6}  {s.p50_ms:>9.1f}  {s.p99_ms:>9.1f}  "
            f"{s.empty_p50_ms:>14.1f}  {s.empty_p99_ms:>14.1f}  {s.first_free_days_ahead:>15.1f}"
        )
    return "\n".join(lines)


def verdict_lines(waves: list[WaveResult], searches: list[SlotsResult]) -> list[str]:
    lines = [
        f"{w.backend}: first wave of {w.wave} callbacks placed in {w.wave_seconds:.2f} s "
        f"({w.wave_seconds / w.baseline_seconds:.1f}x plain calls), duplicates {w.duplicates} "
        f"{'PASS' if w.duplicates == 0 else 'FAIL'}"
        for w in waves
    ]
    lines += [
        f"{s.backend}: next three free slots with {SLOT_COUNSELLORS} counsellors and "
        f"{s.booked} booked p99 {s.p99_ms:.1f} ms (target < {TARGET_SLOTS_P99_MS:.0f} ms) "
        f"{'PASS' if s.p99_ms < TARGET_SLOTS_P99_MS else 'FAIL'}"
        for s in searches
    ]
    return lines


def main() -> tuple[list[WaveResult], list[SlotsResult]]:
    print(
        f"callbacks: {WAVE_CALLBACKS} callbacks over Monday 9-11 with {WAVE_COUNSELLORS} "
        f"counsellors; free slots with {SLOT_COUNSELLORS} counsellors and {SLOT_BOOKINGS} booked",
        flush=True,
    )
    waves, searches = [], []
    with tempfile.TemporaryDirectory(prefix="hotline-callbacks-") as tmp:
        for backend in chosen_backends():
            waves.append(wave(backend, Path(tmp) / f"{backend}-wave"))
            print(f"  {backend}: wave done", flush=True)
            searches.append(slot_search(backend, Path(tmp) / f"{backend}-slots"))
            print(f"  {backend}: slot search done", flush=True)
    print("\n" + table(waves, searches) + "\n")
    for line in verdict_lines(waves, searches):
        print(line)
    return waves, searches


if __name__ == "__main__":
    main()
    sys.exit(0)
