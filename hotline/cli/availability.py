"""`hotline counsellor availability|absent`: when a counsellor can take callbacks and
appointments (weekly windows, absences). Without windows: whenever the line is open."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy.orm import Session

from hotline.cli.support import cli_context
from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import find_counsellor
from hotline.inputs import Refused, calendar_day, checked_text
from scheduling.availability.service import (
    AbsenceTooFarAhead,
    absences_of,
    add_absence,
    latest_absence_day,
    parse_window,
    set_windows,
    windows_of,
)

ALL_OPENING_HOURS = "alle Öffnungszeiten"
ABSENCE_BOUND = (
    "Bitte Anfang und Ende als Datum angeben (z. B. 2026-12-24); eine Abwesenheit endet "
    "höchstens zwei Jahre im Voraus, also spätestens am {latest}."
)
NOTE_RULE = "Notiz: bitte ohne Steuerzeichen (Nullbyte, Zeilenumbruch, Tab …)."


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


@click.command(
    "absent",
    help="Note an absence (whole days, local time): no callbacks then. It ends at most two "
    "years ahead.",
)
@click.argument("name")
@click.option("--from", "first_text", required=True, metavar="YYYY-MM-DD")
@click.option("--to", "last_text", required=True, metavar="YYYY-MM-DD")
@click.option("--note", default=None, help="A word for colleagues, e.g. Urlaub.")
def counsellor_absent(name: str, first_text: str, last_text: str, note: str | None) -> None:
    svc, _ = cli_context()
    too_far = ABSENCE_BOUND.format(latest=f"{latest_absence_day(svc.clock.now()):%d.%m.%Y}")
    first, last = _day(first_text, "--from", too_far), _day(last_text, "--to", too_far)
    try:
        note = checked_text(note) or None
    except Refused:
        raise click.BadParameter(NOTE_RULE, param_hint="--note") from None
    try:
        with svc.database.transaction() as session:
            counsellor = _counsellor(session, name)
            add_absence(session, counsellor.id, first, last, svc.clock.now(), note)
    except AbsenceTooFarAhead:
        raise click.BadParameter(too_far, param_hint="--to") from None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    click.echo(f"{name} abwesend vom {first:%d.%m.%Y} bis {last:%d.%m.%Y}")


def _day(text: str, option: str, refusal: str) -> date:
    try:
        return calendar_day(text)
    except Refused:
        raise click.BadParameter(refusal, param_hint=option) from None


def _counsellor(session: Session, name: str) -> Counsellor:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise click.ClickException(
            f"no counsellor named {name!r}; `hotline counsellor list` shows all"
        )
    return counsellor
