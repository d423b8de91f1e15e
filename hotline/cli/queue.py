"""`hotline queue`: the line now, as the console's *Heute* shows it."""

from __future__ import annotations

import click

from hotline.cases.references import display_case_reference
from hotline.cli.support import cli_context, echo_table
from hotline.routing.live import line_now
from hotline.routing.wording import (
    COUNSELLOR_STATES,
    ENTRY_KINDS,
    LANGUAGES,
    NOBODY_ON_DUTY,
    NOBODY_WAITS,
)


@click.command(
    "queue",
    help="Wer wartet (Position, seit wann, Sprache, Fall) und was jede Berater:in gerade tut.",
)
def queue_command() -> None:
    svc, scheduling = cli_context()
    tz = scheduling.hours.timezone
    now = svc.clock.now()
    with svc.database.reading() as session:
        line = line_now(session, now)
    if line.waiting:
        echo_table(
            ("Position", "wartet seit", "gewartet", "Sprache", "Fall", "Art"),
            [
                (
                    str(w.position),
                    f"{w.since.astimezone(tz):%H:%M:%S}",
                    f"{w.waited_seconds // 60} min {w.waited_seconds % 60:02d} s",
                    LANGUAGES.get(w.language, w.language),
                    display_case_reference(w.case_reference) if w.case_reference else "–",
                    ENTRY_KINDS.get(w.kind, w.kind),
                )
                for w in line.waiting
            ],
        )
    else:
        click.echo(NOBODY_WAITS)
    click.echo("")
    if not line.on_duty:
        click.echo(NOBODY_ON_DUTY)
    echo_table(
        ("Berater:in", "Zustand", "seit"),
        [
            (
                c.name,
                COUNSELLOR_STATES.get(c.state, c.state),
                f"{c.since.astimezone(tz):%d.%m. %H:%M}" if c.since else "–",
            )
            for c in line.counsellors
        ],
    )
