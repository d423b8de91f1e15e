"""`hotline counsellor availability|absent`: when a counsellor can take callbacks and
appointments (weekly windows, absences). Without windows: whenever the line is open."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy.orm import Session

from hotline.cli.support import cli_context
from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import find_counsellor
from scheduling.availability.service import (
    absences_of,
    add_absence,
    parse_window,
    set_windows,
    windows_of,
)

ALL_OPENING_HOURS = "alle Öffnungszeiten"


@click.command(
    "availability",
    help="Show or set a counsellor's weekly windows, e.g. `mon=09:00-12:00 wed=13:00-16:00` "
    "(local time; replaces the old ones). --default: all opening hours again. "
    "--by-arrangement: windows outside the opening hours for video appointments only "
    '("nach Vereinbarung"), e.g. `tue=17:00-19:00`; with no windows it removes them.',
)
@click.argument("name")
@click.argument("windows", nargs=-1)
@click.option("--default", "to_default", is_flag=True, help="Remove the windows.")
@click.option(
    "--by-arrangement",
    "by_arrangement",
    is_flag=True,
    help="Set the windows by arrangement (video appointments outside the opening hours).",
)
def counsellor_availability(
    name: str, windows: tuple[str, ...], to_default: bool, by_arrangement: bool
) -> None:
    if windows and to_default:
        raise click.UsageError("give windows or --default, not both")
    if to_default and by_arrangement:
        raise click.UsageError("--by-arrangement without windows removes them; no --default")
    try:
        parsed = [parse_window(text) for text in windows]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="WINDOWS") from None
    svc, scheduling = cli_context()
    today = svc.clock.now().astimezone(scheduling.hours.timezone).date()
    with svc.database.transaction() as session:
        counsellor = _counsellor(session, name)
        if by_arrangement:
            set_windows(session, counsellor.id, parsed, by_arrangement=True)
        elif parsed or to_default:
            set_windows(session, counsellor.id, parsed)
        current = windows_of(session, counsellor.id)
        arranged = windows_of(session, counsellor.id, by_arrangement=True)
        absences = [
            f"abwesend {row.first_day:%d.%m.%Y}–{row.last_day:%d.%m.%Y}"
            + (f" ({row.note})" if row.note else "")
            for row in absences_of(session, counsellor.id, today)
        ]
    click.echo(f"{name}: " + (" ".join(str(w) for w in current) or ALL_OPENING_HOURS))
    if arranged:
        click.echo("  nach Vereinbarung (Videotermine): " + " ".join(str(w) for w in arranged))
    for line in absences:
        click.echo(f"  {line}")


@click.command("absent", help="Note an absence (whole days, local time): no callbacks then.")
@click.argument("name")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--note", default=None, help="A word for colleagues, e.g. Urlaub.")
def counsellor_absent(name: str, first: datetime, last: datetime, note: str | None) -> None:
    svc, _ = cli_context()
    try:
        with svc.database.transaction() as session:
            counsellor = _counsellor(session, name)
            add_absence(session, counsellor.id, first.date(), last.date(), svc.clock.now(), note)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    click.echo(f"{name} abwesend vom {first:%d.%m.%Y} bis {last:%d.%m.%Y}")


def _counsellor(session: Session, name: str) -> Counsellor:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise click.ClickException(
            f"no counsellor named {name!r}; `hotline counsellor list` shows all"
        )
    return counsellor
