"""Appointments: four weeks of free slots on a full calendar, and a race for a slot.

1. The slots: 30 counsellors (6 part-timers with morning windows, 2 with evenings by
   arrangement, 3 on leave for a week), 5,000 booked across the three kinds that take a
   counsellor's time — in turn a video appointment, a phone appointment (with its call, a
   callback row that holds no seat) and a callback (a seat of the callback slot at that start;
   inside the opening hours only, elsewhere the place goes to the next kind): every place of
   the bookable weeks (notice to horizon) is filled but a random tenth, the rest of the 5,000
   lie in the four weeks before (past bookings stay booked). `GET /api/v1/slots?type=video&from=
   <Monday>&days=28` through the Flask test client, each request its own transaction as in a
   web worker, the clock held on the Saturday before: p50/p99 over 300 requests after a
   warm-up (target p99 < 20 ms). Baseline in the same run: the same on an empty calendar.
   When the target is missed, a cProfile of the loaded request shows where the time goes.
2. The race: a real gunicorn server (`bench.server.gunicorn`: the app as `wsgi.py` builds it,
   plus the unused `/bench/bare`; `gunicorn.conf.py` with 4 gthread workers of 2 threads
   through GUNICORN_CMD_ARGS) on a fresh database with ONE counsellor; 50 threads, connected
   beforehand, POST /api/v1/appointments for the same slot at once (a barrier). Exactly one
   201, the others 409, no 5xx; then exactly one booked appointment at that start in the
   database, and one case stub per winner (a refused booking leaves none). 3 rounds, a fresh
   slot each.

Run alone with `python -m bench.appointments`; `make bench` runs it (`BENCH_APPOINTMENTS=0`
skips).
"""

from __future__ import annotations

import cProfile
import hashlib
import http.client
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench import apps, server
from bench.databases import chosen_backends, drop_database, fresh_database
from bench.loadgen import cpu_ticks
from bench.report import aligned
from hotline.app import scheduling_config, units_of
from hotline.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentState,
    BookedVia,
    note_booked_times_changed,
)
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import new_case_reference
from hotline.clock import Clock, FixedClock, SystemClock
from hotline.services import services
from scheduling.appointments.desk import AppointmentDesk
from scheduling.availability.booked_times import BookedTimes
from scheduling.availability.service import add_absence, parse_window, set_windows
from web import context as web_context

BERLIN = ZoneInfo("Europe/Berlin")
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN)  # "now" of the slot search
FIRST_DAY = date(2026, 11, 30)  # the Monday asked for
DAYS = 28
COUNSELLORS = 30
BOOKED = int(os.environ.get("BENCH_APPOINTMENTS_BOOKED", "5000"))
FREE_SHARE = 0.1  # places of the bookable weeks left free, at random
RUNS = 300
WARMUP_RUNS = 30
PROFILE_RUNS = 50
TARGET_SLOTS_P99_MS = 20.0
RACERS = int(os.environ.get("BENCH_APPOINTMENTS_RACERS", "50"))
RACE_ROUNDS = 3
WORKERS, THREADS = 4, 2
RATE = "100000 per minute"  # bookings_per_client: the limiter must not take part in the race
SLOTS_URL = f"/api/v1/slots?type=video&from={FIRST_DAY.isoformat()}&days={DAYS}"
RESULTS = server.REPO / "bench" / "results"


@dataclass(frozen=True)
class SlotsResult:
    backend: str
    booked: int
    booked_asked: int  # of them in the 28 days asked for
    by_kind: str  # "video 1,700 / phone 1,700 / callback 1,600"
    free_slots: int  # slots in the loaded answer
    empty_free_slots: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # CPU of the bench process per request (mean), less moved by a busy machine
    busy: float  # share of the whole machine busy meanwhile (the bench alone: one core)
    empty_p50_ms: float
    empty_p99_ms: float
    empty_cpu_ms: float
    empty_busy: float
    uncached_p50_ms: float = float("nan")  # every listing reloads the booked times
    uncached_p99_ms: float = float("nan")
    profile: str = ""  # where the time goes, when the target was missed (or asked for)

    @property
    def ratio(self) -> float:
        return self.p50_ms / self.empty_p50_ms if self.empty_p50_ms else float("nan")

    @property
    def ok(self) -> bool:
        return self.p99_ms < TARGET_SLOTS_P99_MS


@dataclass(frozen=True)
class RaceRound:
    slot: datetime
    statuses: Counter[int]
    wall_seconds: float  # from the barrier to the last answer read
    booked_rows: int  # booked appointments at the slot's start afterwards

    @property
    def winners(self) -> int:
        return self.statuses.get(201, 0)


@dataclass(frozen=True)
class RaceResult:
    backend: str
    rounds: list[RaceRound]
    appointments: int  # rows in the database after all rounds
    cases: int
    problems: list[str] = field(default_factory=list)


# --- apps and databases --------------------------------------------------------------------
def environment(url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The shared benchmark environment, as in development, with this benchmark's limit."""
    config = f'[appointments]\nbookings_per_client = "{RATE}"\n'
    return apps.environment(url, folder, config=config, HOTLINE_ENV="development", **extra)


def bench_app(env: dict[str, str], clock: Clock) -> Flask:
    return apps.migrated_app(env, clock, log_level="WARNING")


def desk(app: Flask, session: Session) -> AppointmentDesk:
    return units_of(app).within(session).appointments


# --- 1. the free slots of four weeks ---------------------------------------------------------
def slot_search(backend: str, folder: Path) -> SlotsResult:
    folder.mkdir(parents=True, exist_ok=True)
    name = "bench_appointments_slots"
    url = fresh_database(backend, folder, name)
    try:
        app = bench_app(environment(url, folder), FixedClock(SATURDAY))
        counsellors = apps.add_counsellors(app, COUNSELLORS)
        _arrange(app, counsellors)
        client = app.test_client()
        empty, empty_cpu, empty_busy, empty_count = _time_slots(client)
        places = _places(app)
        random.Random(7).shuffle(places)
        in_horizon = places[: min(BOOKED, len(places) - round(len(places) * FREE_SHARE))]
        past = _past_places(counsellors, BOOKED - len(in_horizon))
        kinds = _insert_booked(app, [*in_horizon, *past])
        loaded, loaded_cpu, loaded_busy, loaded_count = _time_slots(client)
        uncached = _without_listing_cache(app, client)
        result = SlotsResult(
            backend,
            len(in_horizon) + len(past),
            sum(1 for _, start in in_horizon if start < _day_start(FIRST_DAY + timedelta(DAYS))),
            " / ".join(f"{kind} {kinds[kind]:,}" for kind in KINDS),
            loaded_count,
            empty_count,
            statistics.median(loaded),
            _p99(loaded),
            loaded_cpu,
            loaded_busy,
            statistics.median(empty),
            _p99(empty),
            empty_cpu,
            empty_busy,
            statistics.median(uncached),
            _p99(uncached),
        )
        if not result.ok or os.environ.get("BENCH_APPOINTMENTS_PROFILE", "") not in ("", "0"):
            result = replace(result, profile=_profile(client))
        services(app).database.dispose()
    finally:
        drop_database(backend, name)
    return result


def _arrange(app: Flask, counsellors: list[int]) -> None:
    """Part-timers, evenings by arrangement and a week's leave, as a real team has them."""
    svc = services(app)
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    with svc.database.transaction() as session:
        for index in counsellors[:6]:  # mornings only
            set_windows(session, index, [parse_window(f"{day}=09:00-13:00") for day in weekdays])
        for index in counsellors[6:8]:  # video calls on two evenings too
            evenings = [parse_window(f"{day}=17:00-20:00") for day in ("tue", "thu")]
            set_windows(session, index, evenings, by_arrangement=True)
        for index in counsellors[8:11]:  # on leave the second week
            add_absence(session, index, date(2026, 12, 7), date(2026, 12, 11), SATURDAY)


def _places(app: Flask) -> list[tuple[int, datetime]]:
    """Every (counsellor, start) a booking could take from now to the horizon."""
    svc = services(app)
    config = scheduling_config(app).appointments
    last_day = (SATURDAY + timedelta(days=config.horizon_days)).date()
    with svc.database.transaction() as session:
        finder = desk(app, session).slot_finder(FIRST_DAY, last_day)
        days = (last_day - FIRST_DAY).days + 1
        return [
            (counsellor, slot.start)
            for slot in finder.free_slots(SATURDAY, FIRST_DAY, days)
            for counsellor in finder.counsellors_for(slot.start, SATURDAY)
        ]


def _past_places(counsellors: list[int], count: int) -> list[tuple[int, datetime]]:
    """`count` places on the weekday grid of the four weeks before, latest first."""
    places: list[tuple[int, datetime]] = []
    day = SATURDAY.date() - timedelta(days=1)
    while len(places) < count:
        if day.weekday() < 5:
            for hour in range(15, 8, -1):
                start = datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)
                places += [(cid, start) for cid in counsellors[11:]]  # no windows, no leave
        day -= timedelta(days=1)
    return places[:count]


KINDS = ("video", "phone", "callback")


def _kinds(places: Sequence[tuple[int, datetime]]) -> dict[str, list[tuple[int, datetime]]]:
    """The places by the kind that takes each, in turn; a callback only inside the opening
    hours (weekdays 9-16 on the grid), elsewhere the next kind takes the place."""
    taken: dict[str, list[tuple[int, datetime]]] = {kind: [] for kind in KINDS}
    for number, (counsellor, start) in enumerate(places):
        kind = KINDS[number % len(KINDS)]
        local = start.astimezone(BERLIN)
        if kind == "callback" and not (local.weekday() < 5 and 9 <= local.hour < 16):
            kind = "video"
        taken[kind].append((counsellor, start))
    return taken


def _insert_booked(app: Flask, places: Sequence[tuple[int, datetime]]) -> Counter[str]:
    """One case stub per place and what takes the place, inserted in bulk (a dummy
    ciphertext in the encrypted columns, unique token digests and calendar UIDs): video and
    phone appointments (a phone one with its call), and callbacks holding a seat. How many
    of each kind."""
    svc = services(app)
    length = scheduling_config(app).appointments.length
    now = svc.clock.now()
    secret = svc.cipher.encrypt("Bench")
    references: set[str] = set()
    while len(references) < len(places):
        references.add(new_case_reference())
    taken = _kinds(places)
    with svc.database.transaction() as session:
        session.execute(
            insert(Case.__table__),
            [
                {"reference": ref, "status": CaseStatus.NEW, "created_at": now, "updated_at": now}
                for ref in sorted(references)
            ],
        )
        case_ids = iter(session.scalars(select(Case.id).order_by(Case.id)).all())
        appointments = [
            (kind, next(case_ids), counsellor, start)
            for kind in (AppointmentKind.VIDEO, AppointmentKind.PHONE)
            for counsellor, start in taken[kind.value]
        ]
        session.execute(
            insert(Appointment.__table__),
            [
                {
                    "case_id": case_id,
                    "counsellor_id": counsellor,
                    "kind": kind,
                    "state": AppointmentState.BOOKED,
                    "start": start,
                    "end": start + length,
                    "name_encrypted": secret,
                    "email_encrypted": secret,
                    "phone_encrypted": secret if kind == AppointmentKind.PHONE else None,
                    "phone_is_mobile": False,
                    "token_digest": hashlib.sha256(f"bench-{number}".encode()).hexdigest(),
                    "token_encrypted": secret,
                    "room": f"bench{number:08d}" if kind == AppointmentKind.VIDEO else None,
                    "uid": f"termin-bench-{number}@example.org",
                    "sequence": 0,
                    "booked_via": BookedVia.API,
                    "created_at": now,
                    "updated_at": now,
                    "canceled_at": None,
                }
                for number, (kind, case_id, counsellor, start) in enumerate(appointments)
            ],
        )
        phone_calls = session.execute(
            select(Appointment.id, Appointment.case_id, Appointment.start).where(
                Appointment.kind == AppointmentKind.PHONE
            )
        ).all()
        seats: Counter[datetime] = Counter()
        callbacks = []
        for _, start in taken["callback"]:
            seats[start] += 1
            callbacks.append(_callback_row(next(case_ids), start, secret, now, seat=seats[start]))
        callbacks += [
            _callback_row(case_id, start, secret, now, appointment_id=appointment_id)
            for appointment_id, case_id, start in phone_calls
        ]
        session.execute(insert(Callback.__table__), callbacks)
        note_booked_times_changed(session)  # as every booking does: listings read afresh
    return Counter({kind: len(places) for kind, places in taken.items()})


def _callback_row(
    case_id: int,
    start: datetime,
    secret: bytes,
    now: datetime,
    *,
    seat: int | None = None,
    appointment_id: int | None = None,
) -> dict[str, object]:
    """A booked callback: one holding a seat of its slot, or the call of a phone appointment
    (no seat: the appointment holds the counsellor)."""
    return {
        "case_id": case_id,
        "appointment_id": appointment_id,
        "state": CallbackState.BOOKED,
        "slot_start": start,
        "seat": seat,
        "due_at": start,
        "number_encrypted": secret,
        "number_is_mobile": False,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def _time_slots(client: FlaskClient) -> tuple[list[float], float, float, int]:
    """ms per request over RUNS requests after a warm-up, the CPU ms per request, the share
    of the machine that was busy, and the slots of the answer."""
    for _ in range(WARMUP_RUNS):
        client.get(SLOTS_URL)
    timings = []
    cpu_started, (busy_before, total_before) = time.process_time(), cpu_ticks()
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(SLOTS_URL)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{SLOTS_URL}: {response.status_code} {response.text[:200]}")
    cpu_ms = (time.process_time() - cpu_started) * 1000 / RUNS
    busy_after, total_after = cpu_ticks()
    busy = (busy_after - busy_before) / max(1, total_after - total_before)
    return timings, cpu_ms, busy, len(response.get_json()["slots"])


def _without_listing_cache(app: Flask, client: FlaskClient) -> list[float]:
    """The same requests as right after a booking: the booked times read afresh each time."""
    kept = web_context.remembered(app)
    web_context.remember(app, replace(kept, listing_cache=BookedTimes(cached=False)))
    try:
        return _time_slots(client)[0]
    finally:
        web_context.remember(app, kept)


def _profile(client: FlaskClient) -> str:
    """The functions that take the time, per request (own time, and total under them)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_RUNS):
        client.get(SLOTS_URL)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def where(key: tuple[str, int, str]) -> str:
        path, line, name = key
        for prefix in (str(server.REPO) + "/", *sys.path):
            if prefix and path.startswith(prefix):
                path = path[len(prefix) :].lstrip("/")
                break
        return f"{name} ({path}:{line})" if line else name

    def rows(order: int, keep: Callable[[tuple], bool], title: str) -> list[str]:
        chosen = sorted(
            ((key, value) for key, value in stats.items() if keep(key)),
            key=lambda item: item[1][order],
            reverse=True,
        )[:12]
        lines = [f"  {title}", f"  {'ms/req':>8}  {'calls/req':>10}  function"]
        for key, (_, calls, own, total, _) in chosen:
            ms = (own if order == 2 else total) * 1000 / PROFILE_RUNS
            lines.append(f"  {ms:>8.2f}  {calls / PROFILE_RUNS:>10.0f}  {where(key)}")
        return lines

    venv = str(server.REPO / ".venv")

    def in_app(key: tuple) -> bool:
        return key[0].startswith(str(server.REPO)) and not key[0].startswith(venv)

    return "\n".join(
        [
            *rows(2, lambda key: True, "own time (cProfile, inflated by the profiler)"),
            *rows(3, in_app, "time under the project's functions"),
        ]
    )


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BERLIN)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


# --- 2. the race for one slot -----------------------------------------------------------------
def race(backend: str, folder: Path) -> RaceResult:
    folder.mkdir(parents=True, exist_ok=True)
    name = "bench_appointments_race"
    url = fresh_database(backend, folder, name)
    try:
        port = server.free_port()
        env = environment(
            url,
            folder,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO").upper(),
            GUNICORN_CMD_ARGS=f"--workers {WORKERS} --threads {THREADS} --worker-class gthread",
        )
        app = bench_app(env, SystemClock())
        apps.add_counsellors(app, 1)
        svc = services(app)
        with svc.database.transaction() as session:
            tomorrow = svc.clock.now().astimezone(BERLIN).date() + timedelta(days=1)
            slots = [s.start for s in desk(app, session).free_slots(tomorrow, 14)][:RACE_ROUNDS]
        svc.database.dispose()
        rounds = []
        log = RESULTS / f"gunicorn-appointments-{backend}.log"
        RESULTS.mkdir(parents=True, exist_ok=True)
        with server.gunicorn({**os.environ, **env}, port, log) as process:
            _warm_up(port, process.pid)
            for slot in slots:
                statuses, wall = _race_once(port, slot)
                rounds.append(RaceRound(slot, statuses, wall, _booked_at(app, slot)))
        appointments, cases = _totals(app)
        svc.database.dispose()
    finally:
        drop_database(backend, name)
    result = RaceResult(backend, rounds, appointments, cases)
    result.problems.extend(_race_problems(result, len(slots)))
    return result


def _warm_up(port: int, pid: int) -> None:
    """/healthz answers once one worker is up; wait until the others have loaded the app too
    (the server idles), then give every worker a few requests (database connections)."""
    deadline, before = time.monotonic() + 30, server.tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        after = server.tree_cpu_seconds(pid)
        if after - before < 0.03:
            break
        before = after

    def get() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", f"/api/v1/slots?type=video&days={DAYS}")
            connection.getresponse().read()
        finally:
            connection.close()

    for _ in range(3):
        threads = [threading.Thread(target=get) for _ in range(WORKERS * THREADS * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)


def _race_once(port: int, slot: datetime) -> tuple[Counter[int], float]:
    """RACERS threads, each connected already, POST the same slot when the barrier opens."""
    barrier = threading.Barrier(RACERS + 1)
    statuses: list[int] = []
    finished: list[float] = []
    lock = threading.Lock()

    def racer(number: int) -> None:
        body = json.dumps(
            {
                "type": "video",
                "start": slot.astimezone(BERLIN).isoformat(),
                "name": f"Racer {number}",
                "email": f"racer{number}@example.org",
                "consent": True,
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status = 0  # no answer at all
        with suppress(OSError):
            connection.connect()
        try:
            barrier.wait(timeout=30)
            if connection.sock is not None:
                connection.request(
                    "POST", "/api/v1/appointments", body, {"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                status = response.status
        except (OSError, threading.BrokenBarrierError):
            status = 0  # no answer: counted as "other", which fails the run
        finally:
            connection.close()
        with lock:
            statuses.append(status)
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(statuses), max(finished) - started


def _booked_at(app: Flask, slot: datetime) -> int:
    with services(app).database.transaction() as session:
        return session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.state == AppointmentState.BOOKED, Appointment.start == slot)
        )


def _totals(app: Flask) -> tuple[int, int]:
    with services(app).database.transaction() as session:
        appointments = session.scalar(select(func.count()).select_from(Appointment))
        cases = session.scalar(select(func.count()).select_from(Case))
    return appointments, cases


def _race_problems(result: RaceResult, slots: int) -> list[str]:
    problems = []
    if len(result.rounds) < slots or slots < RACE_ROUNDS:
        problems.append(f"{result.backend}: only {len(result.rounds)} of {RACE_ROUNDS} rounds ran")
    for number, r in enumerate(result.rounds, 1):
        others = {status: n for status, n in r.statuses.items() if status not in (201, 409)}
        if r.winners != 1 or others or r.booked_rows != 1:
            problems.append(
                f"{result.backend} race round {number}: {r.winners} winners (201), "
                f"other answers {others or 'none'}, {r.booked_rows} booked rows for the slot"
            )
    winners = sum(r.winners for r in result.rounds)
    if (result.appointments, result.cases) != (winners, winners):
        problems.append(
            f"{result.backend} race: {winners} bookings answered 201, but "
            f"{result.appointments} appointments and {result.cases} cases in the database"
        )
    return problems


# --- the report ------------------------------------------------------------------------------
def table(searches: list[SlotsResult], races: list[RaceResult]) -> str:
    lines: list[str] = []
    if searches:
        rows = [
            (
                "backend",
                "booked",
                "video / phone / callback",
                "in the 28 d",
                "free slots",
                "p50 ms",
                "p99 ms",
                "CPU ms",
                "all CPUs busy",
                "empty: free slots",
                "p50 ms",
                "p99 ms",
                "CPU ms",
                "all CPUs busy",
                "ratio p50",
            )
        ]
        rows += [
            (
                s.backend,
                str(s.booked),
                s.by_kind,
                str(s.booked_asked),
                str(s.free_slots),
                f"{s.p50_ms:.1f}",
                f"{s.p99_ms:.1f}",
                f"{s.cpu_ms:.1f}",
                f"{s.busy:.0%}",
                str(s.empty_free_slots),
                f"{s.empty_p50_ms:.1f}",
                f"{s.empty_p99_ms:.1f}",
                f"{s.empty_cpu_ms:.1f}",
                f"{s.empty_busy:.0%}",
                f"{s.ratio:.2f}",
            )
            for s in searches
        ]
        lines += aligned(rows, {1, *range(3, 15)})
    if races:
        rows = [("backend", "round", "slot", "201", "409", "other", "booked rows", "wall s")]
        for r in races:
            for number, one in enumerate(r.rounds, 1):
                others = sum(n for status, n in one.statuses.items() if status not in (201, 409))
                rows.append(
                    (
                        r.backend,
                        str(number),
                        f"{one.slot.astimezone(BERLIN):%a %d.%m. %H:%M}",
                        str(one.winners),
                        str(one.statuses.get(409, 0)),
                        str(others),
                        str(one.booked_rows),
                        f"{one.wall_seconds:.2f}",
                    )
                )
        lines += ["", *aligned(rows, {1, 3, 4, 5, 6, 7})]
    return "\n".join(lines)


def verdict_lines(searches: list[SlotsResult], races: list[RaceResult]) -> list[str]:
    lines = [
        f"{s.backend}: free times for {DAYS} days with {COUNSELLORS} counsellors and "
        f"{s.booked} booked ({s.by_kind}) p99 {s.p99_ms:.1f} ms "
        f"(target < {TARGET_SLOTS_P99_MS:.0f} ms) "
        f"{'PASS' if s.ok else 'FAIL'}; empty calendar p99 {s.empty_p99_ms:.1f} ms, "
        f"p50 {s.ratio:.2f}x the empty one; without the listing cache (as after every "
        f"booking) p50 {s.uncached_p50_ms:.1f} / p99 {s.uncached_p99_ms:.1f} ms"
        for s in searches
    ]
    for r in races:
        winners = "/".join(str(one.winners) for one in r.rounds)
        statuses: Counter[int] = Counter()
        for one in r.rounds:
            statuses.update(one.statuses)
        counts = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        lines.append(
            f"{r.backend}: {RACERS} concurrent bookings of one slot, {len(r.rounds)} rounds: "
            f"winners {winners} ({counts}), booked rows "
            f"{'/'.join(str(one.booked_rows) for one in r.rounds)} "
            f"{'FAIL' if r.problems else 'PASS'}"
        )
    return lines


def problems(races: list[RaceResult]) -> list[str]:
    """Wrong answers of the race (not one winner, a 5xx, rows that do not match): they fail
    the run, like wrong answers of the load test."""
    return [problem for r in races for problem in r.problems]


def main() -> tuple[list[SlotsResult], list[RaceResult]]:
    print(
        f"appointments: free times for {DAYS} days with {COUNSELLORS} counsellors and "
        f"{BOOKED} booked (video, phone, callbacks); {RACERS} concurrent bookings of one "
        f"slot under gunicorn "
        f"({WORKERS} workers x {THREADS} threads), {RACE_ROUNDS} rounds",
        flush=True,
    )
    searches, races = [], []
    with tempfile.TemporaryDirectory(prefix="hotline-appointments-") as tmp:
        for backend in chosen_backends():
            searches.append(slot_search(backend, Path(tmp) / f"{backend}-slots"))
            print(f"  {backend}: slot search done", flush=True)
            races.append(race(backend, Path(tmp) / f"{backend}-race"))
            print(f"  {backend}: race done", flush=True)
    print("\n" + table(searches, races) + "\n")
    for line in verdict_lines(searches, races):
        print(line)
    for s in searches:
        if s.profile:
            print(f"\n{s.backend}: where the loaded slot search spends its time\n{s.profile}")
    for problem in problems(races):
        print(f"ERROR {problem}", file=sys.stderr)
    return searches, races


if __name__ == "__main__":
    _, results = main()
    sys.exit(1 if problems(results) else 0)
