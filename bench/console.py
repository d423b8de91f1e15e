"""The staff console's pages over HTTP with 50,000 cases and 500,000 calls (a year).

The year of `bench.statistics` is seeded (then rolled up, as the scheduler's job would have
done), the cases are spread over the statuses, counsellors and the year's days, and a
logged-in console user asks, in-process through the Flask test client (the whole request:
session check, queries, template), for:

- baseline: the directory of offers (60 rows; a page without large tables),
- the case list filtered by status, by status and federal state on its third page, and
  opened by reference (the search answers with a redirect),
- a case page with its timeline,
- the statistics page for the whole year.

Target: the filtered case list and the year's statistics page p99 < 200 ms on PostgreSQL.
Run alone with `python -m bench.console`; BENCH_BACKENDS, BENCH_CONSOLE_RUNS.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import text

from bench import statistics
from bench.appointments import bench_app, environment
from bench.databases import chosen_backends, drop_database, fresh_database
from bench.report import aligned
from hotline.cases.references import damm_check_digit
from hotline.clock import FixedClock
from hotline.db import Role, make_engine
from hotline.services import services
from hotline.staff.accounts import add_account
from hotline.staff.models import StaffRole

RUNS = int(os.environ.get("BENCH_CONSOLE_RUNS", "60"))
WARMUP_RUNS = 5
TARGET_P99_MS = 200.0
NOW = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
PASSWORD = "bench-passwort-lang-genug"
TARGETED = ("case list, filtered", "statistics, one year")


def _seeded_reference() -> str:
    """A reference the seed made (10,000,000 + case number) with a valid check digit, as
    counsellors type them."""
    for number in range(12_345, statistics.CASES):
        reference = f"{10_000_000 + number}"
        if damm_check_digit(reference) == "0":
            return reference
    raise RuntimeError("no seeded reference with a valid check digit")


SEARCHED = _seeded_reference()


@dataclass(frozen=True)
class PageTiming:
    backend: str
    page: str
    p50: float
    p99: float
    baseline_p50: float
    bytes: int

    @property
    def has_target(self) -> bool:
        return self.backend == "postgresql" and self.page in TARGETED

    @property
    def ok(self) -> bool:
        return not self.has_target or self.p99 < TARGET_P99_MS


def pages() -> list[tuple[str, str]]:
    year = f"from={statistics.FIRST_DAY}&to={statistics.LAST_DAY}"
    return [
        ("baseline: offers", "/staff/offers"),
        ("case list, filtered", "/staff/cases?status=in_progress"),
        ("case list, 2 filters, page 3", "/staff/cases?status=referred&state=BY&page=3"),
        ("case by reference", f"/staff/cases?q={SEARCHED[:4]}+{SEARCHED[4:]}"),
        ("case page", f"/staff/cases/{SEARCHED}"),
        ("statistics, one year", f"/staff/stats?{year}"),
    ]


def spread_cases(url: str) -> None:
    """The seeded cases (all closed or referred, changed at one moment) spread over every
    status, 20 counsellors and the year, as a console would see them."""
    engine = make_engine(url, Role.CLI)
    statuses = "CASE id % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'referred' "
    statuses += "WHEN 3 THEN 'follow_up_due' ELSE 'closed' END"
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            changed = "TIMESTAMPTZ '2026-01-01 08:00+00' + (id * 631) * INTERVAL '1 second'"
        else:
            changed = (
                "strftime('%Y-%m-%d %H:%M:%f', '2026-01-01 08:00:00', (id * 631) || ' seconds')"
            )
        connection.execute(
            text(
                f"UPDATE cases SET status = {statuses}, counsellor_id = 1 + id % 20, "
                f"updated_at = {changed}"
            )
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE cases"))
    engine.dispose()


def measure(backend: str, folder: Path) -> list[PageTiming]:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"bench_console_{os.getpid()}"
    url = fresh_database(backend, folder, name)
    try:
        statistics.seed(url)
        statistics.roll_up_the_year(url)
        spread_cases(url)
        app = bench_app(environment(url, folder), FixedClock(NOW))
        svc = services(app)
        with svc.database.transaction() as session:
            add_account(
                session,
                svc.cipher,
                NOW,
                email="bench@example.org",
                role=StaffRole.COUNSELLOR,
                password=PASSWORD,
            )
        client = app.test_client()
        _log_in(client)
        gc.collect()
        gc.freeze()  # as wsgi.py does in every worker once the app is built
        timings = []
        baseline = None
        for title, path in pages():
            values, size = _time(client, path)
            p50, p99 = _percentile(values, 0.5), _percentile(values, 0.99)
            baseline = baseline or p50
            timings.append(PageTiming(backend, title, p50, p99, baseline, size))
        svc.database.dispose()
    finally:
        gc.unfreeze()
        drop_database(backend, name)
    return timings


def _log_in(client: FlaskClient) -> None:
    page = client.get("/staff/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "email": "bench@example.org", "password": PASSWORD},
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")


def _time(client: FlaskClient, path: str) -> tuple[list[float], int]:
    for _ in range(WARMUP_RUNS):
        client.get(path)
    values = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path)
        values.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 302):
            raise RuntimeError(f"{path}: {response.status_code}")
    return values, len(response.get_data())


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def table(results: Sequence[PageTiming]) -> str:
    head = ("backend", "page", "p50 ms", "p99 ms", "p50 ÷ baseline", "KiB")
    rows = [head] + [
        (
            r.backend,
            r.page,
            f"{r.p50:.1f}",
            f"{r.p99:.1f}",
            f"{r.p50 / r.baseline_p50:.1f}×",
            f"{r.bytes / 1024:.0f}",
        )
        for r in results
    ]
    lines = aligned(rows, range(2, len(head)))
    return "\n".join(lines)


def verdict_lines(results: Sequence[PageTiming]) -> list[str]:
    return [
        f"{r.backend}: console {r.page} p99 {r.p99:.0f} ms (target < {TARGET_P99_MS:.0f} ms) "
        f"{'PASS' if r.ok else 'FAIL'}"
        for r in results
        if r.has_target
    ]


def main() -> list[PageTiming]:
    print(
        f"console: pages over HTTP (in-process) with {statistics.CASES:,} cases and "
        f"{statistics.CALLS:,} calls, {RUNS} requests each",
        flush=True,
    )
    results: list[PageTiming] = []
    with tempfile.TemporaryDirectory(prefix="hotline-console-") as tmp:
        for backend in chosen_backends():
            results.extend(measure(backend, Path(tmp) / backend))
            print(f"  {backend}: done", flush=True)
    print("\n" + table(results) + "\n")
    for line in verdict_lines(results):
        print(line)
    return results


if __name__ == "__main__":
    main()
