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
from hotline.texts import text, words


@click.command("queue", help=text("cli.queue.help"))
def queue_command() -> None:
    svc, scheduling = cli_context()
    tz = scheduling.hours.timezone
    now = svc.clock.now()
    with svc.database.reading() as session:
        line = line_now(session, now)
    if line.waiting:
        echo_table(
            tuple(words("cli.queue.waiting_columns").values()),
            [
                (
                    str(w.position),
                    text("cli.queue.since", at=w.since.astimezone(tz)),
                    text(
                        "cli.queue.waited",
                        minutes=w.waited_seconds // 60,
                        seconds=w.waited_seconds % 60,
                    ),
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
        tuple(words("cli.queue.counsellor_columns").values()),
        [
            (
                c.name,
                COUNSELLOR_STATES.get(c.state, c.state),
                text("cli.queue.counsellor_since", at=c.since.astimezone(tz)) if c.since else "–",
            )
            for c in line.counsellors
        ],
    )
