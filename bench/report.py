"""Summaries of the measured rounds, the verdict against the targets, and the printed table."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.loadgen import PhaseResult

# Targets of the hardening issue: throughput against the bare endpoint with the full load,
# and the tail latency a caller sees when the line is quiet (2 concurrent requests).
RATIO_TARGETS = {"sqlite": 0.35, "postgresql": 0.30}
LOW_LOAD_P99_TARGET_MS = 10.0


@dataclass
class Summary:
    """One endpoint on one backend: the median over its rounds, errors summed."""

    backend: str
    endpoint: str
    rounds: list[PhaseResult] = field(default_factory=list)
    extra_ok: int = 0  # answers of an uncounted profiling round (for the row check)

    @property
    def rps(self) -> float:
        return statistics.median(r.requests_per_second for r in self.rounds)

    @property
    def p50(self) -> float:
        return statistics.median(r.percentile_ms(0.50) for r in self.rounds)

    @property
    def p99(self) -> float:
        return statistics.median(r.percentile_ms(0.99) for r in self.rounds)

    @property
    def errors(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for result in self.rounds:
            total.update(result.errors)
        return total

    @property
    def client_cpu(self) -> float:
        """Share of one core the load generator used (median round)."""
        return statistics.median(r.cpu_seconds / r.elapsed for r in self.rounds)

    @property
    def server_ms(self) -> float:
        """CPU milliseconds the gunicorn processes spent per answered request."""
        return statistics.median(r.server_ms_per_request for r in self.rounds)

    @property
    def machine_busy(self) -> float:
        return statistics.median(r.machine_busy for r in self.rounds)


@dataclass(frozen=True)
class Verdict:
    backend: str
    ratio: float
    low_load_p99: float
    low_load_clients: int
    problems: tuple[str, ...]  # errors, row mismatches: these fail the run

    @property
    def ratio_target(self) -> float:
        return RATIO_TARGETS.get(self.backend, RATIO_TARGETS["postgresql"])

    @property
    def ratio_ok(self) -> bool:
        return self.ratio >= self.ratio_target

    @property
    def p99_ok(self) -> bool:
        return self.low_load_p99 < LOW_LOAD_P99_TARGET_MS

    def line(self) -> str:
        def mark(ok: bool) -> str:
            return "PASS" if ok else "FAIL"

        return (
            f"{self.backend}: incoming/bare throughput {self.ratio:.2f} "
            f"(target >= {self.ratio_target:.2f}) {mark(self.ratio_ok)}; "
            f"incoming p99 with {self.low_load_clients} clients {self.low_load_p99:.1f} ms "
            f"(target < {LOW_LOAD_P99_TARGET_MS:.0f} ms) {mark(self.p99_ok)}"
        )


def verdict(
    bare: Summary, incoming: Summary, low_load: Summary, clients: int, problems: Sequence[str]
) -> Verdict:
    ratio = incoming.rps / bare.rps if bare.rps else float("nan")
    return Verdict(incoming.backend, ratio, low_load.p99, clients, tuple(problems))


HEADERS = (
    "backend",
    "endpoint",
    "requests/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "server CPU ms/req",
    "client CPU",
    "all CPUs busy",
)


def _cells(summary: Summary) -> tuple[str, ...]:
    errors = summary.errors
    error_text = str(sum(errors.values()))
    if errors:
        error_text += " (" + ", ".join(f"{k}: {v}" for k, v in errors.items()) + ")"
    return (
        summary.backend,
        summary.endpoint,
        f"{summary.rps:.0f}",
        f"{summary.p50:.1f}",
        f"{summary.p99:.1f}",
        error_text,
        f"{summary.server_ms:.1f}",
        f"{summary.client_cpu:.0%}",
        f"{summary.machine_busy:.0%}",
    )


def aligned(rows: Sequence[Sequence[str]], right: Iterable[int]) -> list[str]:
    """A head row, a rule and the rows: columns as wide as their widest cell, the columns
    `right` (numbers) right-aligned. Every benchmark's table is printed this way."""
    right = set(right)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return [fmt(rows[0]), "  ".join("-" * w for w in widths), *(fmt(row) for row in rows[1:])]


def text_table(summaries: Sequence[Summary]) -> str:
    return "\n".join(aligned([HEADERS, *(_cells(s) for s in summaries)], {2, 3, 4, 6, 7, 8}))


def markdown_table(summaries: Sequence[Summary]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(s)) + " |" for s in summaries]
    return "\n".join(lines)


def _round_lines(summaries: Sequence[Summary]) -> list[str]:
    lines = []
    for summary in summaries:
        rounds = ", ".join(
            f"{r.requests_per_second:.0f} req/s p50 {r.percentile_ms(0.5):.1f} "
            f"p99 {r.percentile_ms(0.99):.1f} ms"
            for r in summary.rounds
        )
        lines.append(f"- {summary.backend} {summary.endpoint}: {rounds}")
    return lines


def write_markdown(
    path: Path, about: str, summaries: Sequence[Summary], verdicts: Sequence[Verdict]
) -> Path:
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        about,
        "",
        markdown_table(summaries),
        "",
        *(f"- {v.line()}" for v in verdicts),
        *(f"- ERROR {p}" for v in verdicts for p in v.problems),
        "",
        "Rounds:",
        "",
        *_round_lines(summaries),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path
