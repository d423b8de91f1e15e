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
from hotline.texts import text as catalog_text
from scheduling.availability.service import (
    AbsenceTooFarAhead,
    absences_of,
    add_absence,
    latest_absence_day,
    parse_window,
    set_windows,
    windows_of,
)

ALL_OPENING_HOURS = catalog_text("cli.availability.all_opening_hours")
NOTE_RULE = catalog_text("cli.availability.note_rule")


@click.command("availability", help=catalog_text("cli.availability.help.availability"))
@click.argument("name")
@click.argument("windows", nargs=-1)
@click.option(
    "--default",
    "to_default",
    is_flag=True,
    help=catalog_text("cli.availability.help.default"),
)
@click.option(
    "--by-arrangement",
    "by_arrangement",
    is_flag=True,
    help=catalog_text("cli.availability.help.by_arrangement"),
)
def counsellor_availability(
    name: str, windows: tuple[str, ...], to_default: bool, by_arrangement: bool
) -> None:
    if windows and to_default:
        raise click.UsageError(catalog_text("cli.availability.windows_or_default"))
    if to_default and by_arrangement:
        raise click.UsageError(catalog_text("cli.availability.arrangement_without_default"))
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
            catalog_text("cli.availability.absent", first=row.first_day, last=row.last_day)
            + (catalog_text("cli.availability.absence_note", note=row.note) if row.note else "")
            for row in absences_of(session, counsellor.id, today)
        ]
    shown = " ".join(str(w) for w in current) or ALL_OPENING_HOURS
    click.echo(catalog_text("cli.availability.windows", name=name, windows=shown))
    if arranged:
        shown = " ".join(str(w) for w in arranged)
        click.echo(catalog_text("cli.availability.by_arrangement", windows=shown))
    for line in absences:
        click.echo(catalog_text("cli.availability.absence_line", absence=line))


@click.command("absent", help=catalog_text("cli.availability.help.absent"))
@click.argument("name")
@click.option(
    "--from",
    "first_text",
    required=True,
    metavar="JJJJ-MM-TT",
    help=catalog_text("cli.availability.help.from"),
)
@click.option(
    "--to",
    "last_text",
    required=True,
    metavar="JJJJ-MM-TT",
    help=catalog_text("cli.availability.help.to"),
)
@click.option("--note", default=None, help=catalog_text("cli.availability.help.note"))
def counsellor_absent(name: str, first_text: str, last_text: str, note: str | None) -> None:
    svc, _ = cli_context()
    latest = latest_absence_day(svc.clock.now())
    too_far = catalog_text("cli.availability.absence_bound", latest=latest)
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
    click.echo(catalog_text("cli.availability.absence_added", name=name, first=first, last=last))


def _day(text: str, option: str, refusal: str) -> date:
    try:
        return calendar_day(text)
    except Refused:
        raise click.BadParameter(refusal, param_hint=option) from None


def _counsellor(session: Session, name: str) -> Counsellor:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise click.ClickException(catalog_text("cli.availability.not_found", name=name))
    return counsellor
