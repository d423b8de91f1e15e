"""The statistics page for a year: 50,000 cases and 500,000 calls.

A fresh database (SQLite file, or a new PostgreSQL database on 127.0.0.1:5432) is filled in
bulk (COPY on PostgreSQL, executemany on SQLite; then ANALYZE) with one year of 2026:
50,000 case stubs (a tenth without a federal state), 500,000 inbound calls (most in the
daytime, out-of-hours calls told the line is closed, about two thirds queued with waits of
seconds to minutes), 30,000 callbacks with their attempts, 5,000 video appointments and
20,000 referrals to 60 support offers. Measured, each run its own transaction as a web
worker runs it: `load_statistics` for the whole year, the charts drawn from it, the CSV
export, and the three together (the page); p50/p99 over RUNS runs after a warm-up. First
"live", every day counted from the calls (as before the rollup, or for days not rolled up
yet); then the daily rollup is run once for the year (`roll_up`, as the scheduler's job does
it; timed), its tables analysed as autovacuum would, and the page measured again, "rolled"
(target: that page p99 < 200 ms on PostgreSQL). The figures of both must be the same. When
the target is missed, a cProfile shows where the rolled page's time goes.

Run alone with `python -m bench.statistics`; BENCH_BACKENDS chooses the databases,
BENCH_STATISTICS_CALLS / _CASES / _RUNS change the counts.
"""

from __future__ import annotations

import cProfile
import hashlib
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from bench.databases import chosen_backends, drop_database, fresh_database
from bench.report import aligned
from hotline import migrate
from hotline.cases.vocabulary import FEDERAL_STATES, OFFER_CATEGORIES, REGIONS
from hotline.db import Database, Role, make_engine
from hotline.reports.export import aggregate_csv
from hotline.reports.rollup import roll_up
from hotline.reports.statistics import Statistics, load_statistics
from hotline.telephony.models import CallOutcome
from web.staff.charts import all_charts

BERLIN = ZoneInfo("Europe/Berlin")
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2026, 12, 31)
CASES = int(os.environ.get("BENCH_STATISTICS_CASES", "50000"))
CALLS = int(os.environ.get("BENCH_STATISTICS_CALLS", "500000"))
CALLBACKS = CASES * 3 // 5
APPOINTMENTS = CASES // 10
REFERRALS = CASES * 2 // 5
OFFERS = 60
COUNSELLORS = 20
RUNS = int(os.environ.get("BENCH_STATISTICS_RUNS", "40"))
WARMUP_RUNS = 3
PROFILE_RUNS = 10
TARGET_PAGE_P99_MS = 200.0
SEED = 16

# What came of a call in opening hours, and how often (out of hours: closed_informed).
DAYTIME_OUTCOMES = {
    CallOutcome.CONNECTED: 62,
    CallOutcome.ABANDONED_IN_QUEUE: 10,
    CallOutcome.HUNG_UP: 5,
    CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT: 3,
    CallOutcome.ENDED_IN_INTAKE: 6,
    CallOutcome.CALLBACK_REQUESTED: 8,
    CallOutcome.APPOINTMENT_BOOKED: 2,
    CallOutcome.NOBODY_ON_DUTY: 2,
    CallOutcome.NO_ANSWER: 1,
    CallOutcome.TECHNICAL_FAILURE: 1,
}
QUEUED = {
    CallOutcome.CONNECTED,
    CallOutcome.ABANDONED_IN_QUEUE,
    CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT,
    CallOutcome.CALLBACK_REQUESTED,
}
# local hours of the day and their weight: the line is open 9-17 on weekdays
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 8, 14, 14, 13, 11, 12, 13, 12, 10, 8, 5, 4, 3, 2, 2, 1]


@dataclass(frozen=True)
class Timings:
    runs: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.runs)

    @property
    def p99(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@dataclass(frozen=True)
class PageResult:
    backend: str
    mode: str  # "live": every day counted from the calls; "rolled": from the daily rollup
    calls: int  # counted by the page
    referrals: int  # likewise
    cases: int
    seed_seconds: float
    load: Timings
    charts: Timings
    export: Timings
    page: Timings
    svg_kilobytes: float
    csv_lines: int
    figures: Statistics  # what the page showed, to compare live and rolled
    rollup_seconds: float = 0.0  # rolled: how long rolling up the year took
    live_page_p99: float = 0.0  # rolled: the live page's p99 of the same run, for the ratio
    profile: str = ""

    @property
    def ok(self) -> bool:
        target_applies = self.backend == "postgresql" and self.mode == "rolled"
        return not target_applies or self.page.p99 < TARGET_PAGE_P99_MS


# --- the year's rows, in bulk --------------------------------------------------------------
def seed(url: str) -> None:
    """Fill the migrated database at `url` with the year (deterministic: one random seed)."""
    engine = make_engine(url, Role.CLI)
    migrate.upgrade(engine)
    rng = random.Random(SEED)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        bulk = _bulk_inserter(connection)
        bulk("counsellors", _counsellors(now))
        bulk("cases", _cases(rng, now))
        bulk("calls", _calls(rng))
        bulk("support_offers", _offers(now))
        bulk("referrals", _referrals(rng, now))
        callbacks, attempts = _callbacks(rng)
        bulk("callbacks", callbacks)
        bulk("callback_attempts", attempts)
        bulk("appointments", _appointments(rng, now))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()


Rows = list[dict[str, Any]]


def _bulk_inserter(connection: Connection) -> Callable[[str, Rows], None]:
    """COPY on PostgreSQL, one executemany on SQLite (datetimes as the naive UTC text that
    `UTCDateTime` stores there): the ORM would take minutes for half a million rows."""
    driver = connection.connection.dbapi_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":

        def copy(table: str, rows: Rows) -> None:
            columns = list(rows[0])
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as stream,
            ):
                for row in rows:
                    stream.write_row([row[column] for column in columns])

        return copy

    def stored(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def execute_many(table: str, rows: Rows) -> None:
        columns = list(rows[0])
        statement = (
            f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        )
        driver.executemany(statement, ([stored(row[c]) for c in columns] for row in rows))

    return execute_many


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)  # "end" is a keyword


def _counsellors(now: datetime) -> Rows:
    return [
        {
            "id": number,
            "name": f"Bench {number}",
            "phone_encrypted": b"bench",
            "on_duty": False,
            "languages": "de",
            "passes_in_a_row": 0,
            "created_at": now,
            "updated_at": now,
        }
        for number in range(1, COUNSELLORS + 1)
    ]


def _moment(rng: random.Random) -> datetime:
    """A moment of the year in UTC, mostly in the daytime (local)."""
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
    return local.replace(tzinfo=BERLIN).astimezone(UTC)


def _cases(rng: random.Random, now: datetime) -> Rows:
    states = list(FEDERAL_STATES)
    return [
        {
            "id": number,
            "reference": f"{10_000_000 + number}",
            "status": "closed" if number % 3 else "referred",
            "federal_state": None if number % 10 == 0 else rng.choice(states),
            "topic": "other",
            "created_at": now,
            "updated_at": now,
        }
        for number in range(1, CASES + 1)
    ]


def _calls(rng: random.Random) -> Rows:
    """Calls in the order they came, as the table holds them (time and row order agree)."""
    outcomes, weights = list(DAYTIME_OUTCOMES), list(DAYTIME_OUTCOMES.values())
    rows = []
    for number, started in enumerate(sorted(_moment(rng) for _ in range(CALLS)), 1):
        local = started.astimezone(BERLIN)
        is_open = local.weekday() < 5 and 9 <= local.hour < 17
        outcome = rng.choices(outcomes, weights)[0] if is_open else CallOutcome.CLOSED_INFORMED
        queued = started + timedelta(seconds=rng.randint(20, 60)) if outcome in QUEUED else None
        wait = timedelta(seconds=min(900.0, rng.expovariate(1 / 70)))
        connected = queued + wait if queued and outcome == CallOutcome.CONNECTED else None
        left = queued + wait if queued else None
        ended = (connected or left or started) + timedelta(seconds=rng.randint(30, 1800))
        rows.append(
            {
                "call_sid": f"CA{number:032x}",
                "direction": "inbound",
                "caller_withheld": False,
                "status": "completed",
                "language": "de",
                "case_id": rng.randint(1, CASES)
                if outcome != CallOutcome.CLOSED_INFORMED
                else None,
                "started_at": started,
                "answered_at": started,
                "ended_at": ended,
                "outcome": outcome.value,
                "queued_at": queued,
                "queue_left_at": left,
                "connected_at": connected,
            }
        )
    return rows


def _offers(now: datetime) -> Rows:
    regions, categories = list(REGIONS), list(OFFER_CATEGORIES)
    return [
        {
            "id": number,
            "name": f"Beispielangebot {number}",
            "region": regions[number % len(regions)],
            "category": categories[number % len(categories)],
            "contact": "",
            "web_url": "",
            "created_at": now,
            "updated_at": now,
        }
        for number in range(1, OFFERS + 1)
    ]


def _referrals(rng: random.Random, now: datetime) -> Rows:
    days = (LAST_DAY - FIRST_DAY).days + 1
    return [
        {
            "case_id": rng.randint(1, CASES),
            "offer_id": rng.randint(1, OFFERS),
            "referred_on": FIRST_DAY + timedelta(days=rng.randrange(days)),
            "created_at": now,
        }
        for _ in range(REFERRALS)
    ]


def _callbacks(rng: random.Random) -> tuple[Rows, Rows]:
    """Callbacks in quarter-hour slots (a tenth "as soon as possible"), mostly done, their
    first attempt up to half an hour after the slot; failed ones tried three times."""
    states = {"done": 75, "failed": 8, "canceled": 8, "booked": 4, "draft": 5}
    callbacks, attempts = [], []
    seats: dict[datetime, int] = {}
    for number in range(1, CALLBACKS + 1):
        booked_at = _moment(rng)
        state = rng.choices(list(states), list(states.values()))[0]
        slot = None
        if rng.random() > 0.1:
            slot = booked_at + timedelta(hours=rng.randint(1, 48))
            slot = slot.replace(minute=slot.minute // 15 * 15, second=0)
        seat = None
        if state == "booked" and slot is not None:
            seat = seats[slot] = seats.get(slot, 0) + 1
        callbacks.append(
            {
                "id": number,
                "case_id": rng.randint(1, CASES),
                "state": state,
                "slot_start": slot,
                "seat": seat,
                "number_is_mobile": False,
                "attempts": 0,
                "created_at": booked_at,
                "updated_at": booked_at,
            }
        )
        if state in ("done", "failed"):
            first = (slot or booked_at) + timedelta(seconds=rng.randint(0, 1800))
            for attempt in range(1, 2 if state == "done" else 4):
                attempts.append(
                    {
                        "callback_id": number,
                        "number": attempt,
                        "started_at": first + timedelta(minutes=20 * (attempt - 1)),
                        "counsellors_tried": "",
                    }
                )
    return callbacks, attempts


def _appointments(rng: random.Random, now: datetime) -> Rows:
    """Video appointments on the weekday grid, one counsellor each (never two at a time)."""
    rows = []
    taken: set[tuple[int, datetime]] = set()
    while len(rows) < APPOINTMENTS:
        start = _moment(rng).replace(minute=0, second=0)
        counsellor = rng.randint(1, COUNSELLORS)
        if (counsellor, start) in taken:
            continue
        taken.add((counsellor, start))
        number = len(rows)
        canceled = rng.random() < 0.15
        rows.append(
            {
                "case_id": rng.randint(1, CASES),
                "counsellor_id": counsellor,
                "state": "canceled" if canceled else "booked",
                "start": start,
                "end": start + timedelta(minutes=50),
                "phone_is_mobile": False,
                "token_digest": hashlib.sha256(f"bench-{number}".encode()).hexdigest(),
                "token_encrypted": b"bench",
                "room": f"bench{number:08d}",
                "uid": f"termin-bench-{number}@example.org",
                "sequence": 0,
                "booked_via": rng.choice(["web", "web", "api", "phone"]),
                "created_at": now,
                "updated_at": now,
                "canceled_at": now if canceled else None,
            }
        )
    return rows


# --- the page, measured ------------------------------------------------------------------------
def page(backend: str, folder: Path) -> list[PageResult]:
    """The page live, then rolled up: two rows of the table."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"bench_statistics_{os.getpid()}"  # two runs at once do not drop each other's
    url = fresh_database(backend, folder, name)
    try:
        started = time.perf_counter()
        seed(url)
        seed_seconds = time.perf_counter() - started
        database = Database(url, Role.WEB)
        live = _measure(backend, "live", database, seed_seconds)
        rollup_seconds = roll_up_the_year(url)
        rolled = replace(
            _measure(backend, "rolled", database, seed_seconds),
            rollup_seconds=rollup_seconds,
            live_page_p99=live.page.p99,
        )
        if not rolled.ok or os.environ.get("BENCH_STATISTICS_PROFILE", "") not in ("", "0"):
            rolled = replace(rolled, profile=_profile(database))
        database.dispose()
    finally:
        drop_database(backend, name)
    return [live, rolled]


def roll_up_the_year(url: str) -> float:
    """The year rolled up in one run, as the scheduler's job would on its first start (a
    year is within one run's MAX_DAYS_PER_RUN); its tables then analysed (and vacuumed on
    PostgreSQL) as autovacuum does after so many inserts. Returns the seconds rolling took."""
    database = Database(url, Role.SCHEDULER)
    started = time.perf_counter()
    rolled = roll_up(database, datetime(2027, 1, 2, tzinfo=UTC), BERLIN)
    seconds = time.perf_counter() - started
    database.dispose()
    expected = (LAST_DAY - FIRST_DAY).days + 1
    assert rolled == expected, f"rolled up {rolled} days, expected {expected}"
    tables = "stats_rolled_days, stats_call_days, stats_wait_days"
    engine = make_engine(url, Role.CLI)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {tables}"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return seconds


def _whole_page(database: Database) -> tuple[Statistics, float, float, float, int, int]:
    """One request's work, each part timed (ms): load, charts, CSV."""
    with database.transaction() as session:
        started = time.perf_counter()
        figures = load_statistics(session, FIRST_DAY, LAST_DAY, BERLIN)
    loaded = time.perf_counter()
    charts = all_charts(figures)
    drawn = time.perf_counter()
    export = aggregate_csv(figures)
    exported = time.perf_counter()
    svg_bytes = sum(len(chart.svg.encode()) for chart in charts)
    return (
        figures,
        (loaded - started) * 1000,
        (drawn - loaded) * 1000,
        (exported - drawn) * 1000,
        svg_bytes,
        export.count("\n"),
    )


def _measure(backend: str, mode: str, database: Database, seed_seconds: float) -> PageResult:
    for _ in range(WARMUP_RUNS):
        _whole_page(database)
    loads, charts, exports, pages = [], [], [], []
    svg_bytes = csv_lines = 0
    for _ in range(RUNS):
        figures, load_ms, charts_ms, export_ms, svg_bytes, csv_lines = _whole_page(database)
        loads.append(load_ms)
        charts.append(charts_ms)
        exports.append(export_ms)
        pages.append(load_ms + charts_ms + export_ms)
    calls = sum(day.total for day in figures.calls)
    referrals = sum(tally.count for tally in figures.referrals_by_state)
    return PageResult(
        backend,
        mode,
        calls,
        referrals,
        CASES,
        seed_seconds,
        Timings(loads),
        Timings(charts),
        Timings(exports),
        Timings(pages),
        svg_bytes / 1024,
        csv_lines,
        figures,
    )


def _profile(database: Database) -> str:
    """Where a page's time goes (cProfile; the database's own time shows as the driver's
    execute)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_RUNS):
        _whole_page(database)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"hotline/reports|web/staff/charts|execute|render", 18
    )
    return out.getvalue().strip()


# --- the report ------------------------------------------------------------------------------
def table(results: Sequence[PageResult]) -> str:
    head = (
        "backend",
        "mode",
        "calls",
        "cases",
        "load p50",
        "p99",
        "charts p50",
        "p99",
        "CSV p50",
        "p99",
        "page p50",
        "page p99 ms",
        "of live",
        "SVG KiB",
        "CSV lines",
    )
    rows = [head] + [
        (
            r.backend,
            r.mode,
            f"{r.calls:,}",
            f"{r.cases:,}",
            f"{r.load.p50:.0f}",
            f"{r.load.p99:.0f}",
            f"{r.charts.p50:.0f}",
            f"{r.charts.p99:.0f}",
            f"{r.export.p50:.0f}",
            f"{r.export.p99:.0f}",
            f"{r.page.p50:.0f}",
            f"{r.page.p99:.0f}",
            f"{r.page.p99 / r.live_page_p99:.0%}" if r.live_page_p99 else "",
            f"{r.svg_kilobytes:.0f}",
            str(r.csv_lines),
        )
        for r in results
    ]
    return "\n".join(aligned(rows, range(1, len(head))))


def verdict_lines(results: Sequence[PageResult]) -> list[str]:
    """One line per backend, of the rolled-up page (the live one is the baseline)."""
    return [
        f"{r.backend}: the statistics page for {FIRST_DAY.year} ({r.calls:,} calls, "
        f"{r.cases:,} cases) p99 {r.page.p99:.0f} ms rolled up, {r.live_page_p99:.0f} ms live"
        + (
            f" (target < {TARGET_PAGE_P99_MS:.0f} ms) {'PASS' if r.ok else 'FAIL'}"
            if r.backend == "postgresql"
            else " (no target on SQLite)"
        )
        + f"; seeded in {r.seed_seconds:.0f} s, the year rolled up in {r.rollup_seconds:.1f} s"
        for r in results
        if r.mode == "rolled"
    ]


def main() -> list[PageResult]:
    print(
        f"statistics: the page for {FIRST_DAY:%Y} with {CASES:,} cases and {CALLS:,} calls "
        f"(the figures, the charts, the CSV export), {RUNS} runs",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="hotline-statistics-") as tmp:
        for backend in chosen_backends():
            results.extend(page(backend, Path(tmp) / backend))
            print(f"  {backend}: done", flush=True)
    print("\n" + table(results) + "\n")
    for line in verdict_lines(results):
        print(line)
    for r in results:
        if r.profile:
            print(f"\n{r.backend} {r.mode}: where the page spends its time\n{r.profile}")
    return results


def problems(results: Sequence[PageResult]) -> list[str]:
    """Wrong figures fail the run (a missed target does not): every seeded call and referral
    must be counted once, and the rolled-up page must show what the live one showed."""
    miscounted = [
        f"{r.backend} {r.mode}: {what} counted {counted:,}, seeded {seeded:,}"
        for r in results
        for what, counted, seeded in (
            ("calls", r.calls, CALLS),
            ("referrals", r.referrals, REFERRALS),
        )
        if counted != seeded
    ]
    live = {r.backend: r.figures for r in results if r.mode == "live"}
    differing = [
        f"{r.backend}: the rolled-up figures differ from those counted live"
        for r in results
        if r.mode == "rolled" and r.figures != live.get(r.backend)
    ]
    return miscounted + differing


if __name__ == "__main__":
    found = problems(main())
    for problem in found:
        print(f"ERROR {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
