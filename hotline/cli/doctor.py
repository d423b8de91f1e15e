"""`hotline doctor`: the production configuration checked before go-live, one line a check."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import click

from hotline.clock import SystemClock
from hotline.doctor import (
    DEFAULT_CLOCK_TOLERANCE_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    DoctorOptions,
    Finding,
    Outcome,
    examine,
)
from hotline.texts import text


@click.command("doctor", help=text("doctor.help.command"))
@click.option("--offline", is_flag=True, help=text("doctor.help.offline"))
@click.option(
    "--clock-tolerance",
    type=click.FloatRange(0, 3600),
    default=DEFAULT_CLOCK_TOLERANCE_SECONDS,
    show_default=True,
    help=text("doctor.help.clock_tolerance"),
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.5, 60),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    help=text("doctor.help.timeout"),
)
def doctor(offline: bool, clock_tolerance: float, timeout: float) -> None:
    options = DoctorOptions(
        offline=offline, clock_tolerance=timedelta(seconds=clock_tolerance), timeout=timeout
    )
    findings = examine(os.environ, SystemClock(), options)
    echo_findings(findings)
    counts = Counter(finding.outcome for finding in findings)
    click.echo("")
    click.echo(
        text(
            "doctor.summary",
            ok=counts[Outcome.OK],
            failed=counts[Outcome.FAILED],
            skipped=counts[Outcome.SKIPPED],
        )
    )
    if counts[Outcome.FAILED]:
        click.echo(text("doctor.not_ready"))
        raise SystemExit(1)
    click.echo(text("doctor.all_good"))


def echo_findings(findings: Sequence[Finding]) -> None:
    """Outcome and name in columns, then the reason and what to do."""
    outcomes = [text(f"doctor.outcome.{finding.outcome}") for finding in findings]
    names = [finding.name for finding in findings]
    outcome_width = max(map(len, outcomes))
    name_width = max(map(len, names))
    for finding, outcome, name in zip(findings, outcomes, names, strict=True):
        line = text(
            "doctor.line",
            outcome=outcome.ljust(outcome_width),
            name=name.ljust(name_width),
            reason=finding.reason,
        )
        if finding.remedy:
            line += text("doctor.remedy", remedy=finding.remedy)
        click.echo(line)
