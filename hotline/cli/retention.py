"""`hotline retention run`: the retention sweep once, now, as the scheduler runs it hourly.

For an operator who has shortened a period and wants it applied at once, or who runs no
scheduler for a while; it prints what was deleted as counts, never the rows, and how many
of Twilio's records of calls and SMS it asked Twilio to delete (the scheduler sends those
requests).
"""

from __future__ import annotations

import click

from hotline.cli.support import cli_context, echo_table
from hotline.plurals import Counted
from hotline.texts import text, words
from scheduling.retention.sweep import RetentionCounts, sweep

LABELS = words("cli.retention.labels")


@click.group(help=text("cli.retention.help.group"))
def retention() -> None:
    """Subcommands: run."""


@retention.command("run", help=text("cli.retention.help.run"))
def retention_run() -> None:
    svc, scheduling = cli_context()
    config = scheduling.retention
    counts = sweep(svc.database, svc.clock.now(), config, svc.cipher)
    click.echo(
        text(
            "cli.retention.periods",
            contact_days=Counted(config.contact_days),
            closed_case_days=Counted(config.closed_case_days),
            webhook_log_days=Counted(config.webhook_log_days),
        )
    )
    echo_table(tuple(words("cli.retention.columns").values()), _rows(counts))


def _rows(counts: RetentionCounts) -> list[tuple[str, str]]:
    return [(LABELS[key], str(count)) for key, count in counts.as_fields().items()]
