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
    help="Die wöchentlichen Zeitfenster einer Berater:in zeigen oder setzen, z. B. "
    "`mon=09:00-12:00 wed=13:00-16:00` (Ortszeit; ersetzt die bisherigen). --default: wieder "
    "alle Öffnungszeiten. --by-arrangement: Zeitfenster nach Vereinbarung außerhalb der "
    "Öffnungszeiten, nur für Videotermine, z. B. `tue=17:00-19:00`; ohne Zeitfenster entfernt "
    "es sie.",
)
@click.argument("name")
@click.argument("windows", nargs=-1)
@click.option(
    "--default", "to_default", is_flag=True, help="Die Zeitfenster entfernen (alle Öffnungszeiten)."
)
@click.option(
    "--by-arrangement",
    "by_arrangement",
    is_flag=True,
    help="Die Zeitfenster nach Vereinbarung setzen (Videotermine außerhalb der Öffnungszeiten).",
)
def counsellor_availability(
    name: str, windows: tuple[str, ...], to_default: bool, by_arrangement: bool
) -> None:
    if windows and to_default:
        raise click.UsageError("Bitte Zeitfenster oder --default angeben, nicht beides.")
    if to_default and by_arrangement:
        raise click.UsageError(
            "--by-arrangement ohne Zeitfenster entfernt sie; bitte ohne --default."
        )
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
    help="Eine Abwesenheit eintragen (ganze Tage, Ortszeit): dann keine Rückrufe und Termine. "
    "Sie endet höchstens zwei Jahre im Voraus.",
)
@click.argument("name")
@click.option("--from", "first_text", required=True, metavar="JJJJ-MM-TT", help="Erster Tag.")
@click.option("--to", "last_text", required=True, metavar="JJJJ-MM-TT", help="Letzter Tag.")
@click.option("--note", default=None, help="Eine Notiz für Kolleg:innen, z. B. Urlaub.")
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
            f"keine Berater:in namens {name!r}; `hotline counsellor list` zeigt alle"
        )
    return counsellor
