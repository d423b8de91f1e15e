"""`hotline statistics rollup`: sum up the finished days for the statistics page now, as the
scheduler does every quarter of an hour.

For an operator who has just migrated a database with years of calls (the scheduler's job
catches up at most `MAX_DAYS_PER_RUN` days a run), or who runs no scheduler for a while: the
command goes on until every finished day is rolled up, and prints how many it did.
"""

from __future__ import annotations

import click

from hotline.cli.support import cli_context
from hotline.plurals import Counted
from hotline.reports.rollup import FINAL_AFTER, last_finished_day, roll_up
from hotline.texts import text


@click.group(help=text("cli.statistics.help.group"))
def statistics() -> None:
    """Subcommands: rollup."""


@statistics.command(
    "rollup",
    help=text(
        "cli.statistics.help.rollup",
        hours=Counted(round(FINAL_AFTER.total_seconds() / 3600)),
    ),
)
def statistics_rollup() -> None:
    svc, scheduling = cli_context()
    tz, now = scheduling.hours.timezone, svc.clock.now()
    rolled = 0
    while done := roll_up(svc.database, now, tz):  # each run does at most a year and a bit
        rolled += done
    last = last_finished_day(now, tz)
    click.echo(text("cli.statistics.rolled_up", days=Counted(rolled), last=last, zone=tz.key))
