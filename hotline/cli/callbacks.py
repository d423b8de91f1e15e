"""`hotline callbacks list|cancel`: the booked callbacks as counsellors see them (numbers
masked)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

import click

from hotline.callbacks.listing import LISTED_STATES, ListedCallback, list_callbacks
from hotline.callbacks.wording import STATE_NAMES
from hotline.cases.references import display_case_reference
from hotline.cli.support import DAY, ROW_ID, cli_context, cli_units, echo_table, masked_number
from hotline.crypto import DataCipher

GONE = "(gelöscht)"
UNREADABLE = "(unlesbar)"


STATES_HELP = ", ".join(f"{state} = {STATE_NAMES[state]}" for state in LISTED_STATES)


@click.group(help="Rückrufe, am Telefon oder über die Buchungsseite gebucht.")
def callbacks() -> None:
    """Unterbefehle: list, cancel."""


@callbacks.command(
    "list", help="Rückrufe in der Reihenfolge, in der sie fällig werden (Nummern maskiert)."
)
@click.option(
    "--day",
    type=DAY,
    help="Nur die an diesem Tag fälligen (Ortszeit), z. B. 2026-11-30.",
)
@click.option(
    "--state",
    type=click.Choice(LISTED_STATES),
    help=f"Nur Rückrufe in diesem Status ({STATES_HELP}).",
)
def callbacks_list(day: date | None, state: str | None) -> None:
    svc, scheduling = cli_context()
    tz = scheduling.hours.timezone
    on_day = day
    with svc.database.transaction() as session:
        listed = list_callbacks(session, day=on_day, state=state, tz=tz)
    if not listed:
        click.echo("keine Rückrufe" + (f" am {on_day:%d.%m.%Y}" if on_day else ""))
        return
    header = ("ID", "Fällig", "Gebucht für", "Fall", "Status", "Versuche", "Nummer")
    rows = [_row(item, svc.cipher, tz) for item in listed]
    echo_table(header, rows)


@callbacks.command(
    "cancel",
    help="Einen Rückruf absagen: Er wird nicht geführt, sein Platz ist frei, die Nummer gelöscht.",
)
@click.argument("callback_id", type=ROW_ID)
def callbacks_cancel(callback_id: int) -> None:
    with cli_units().transaction() as unit:
        canceled = unit.placement.cancel(callback_id)
    if not canceled:
        raise click.ClickException(
            f"Rückruf {callback_id} ist nicht mehr offen (unbekannt, erledigt, gescheitert oder "
            "schon abgesagt); `hotline callbacks list` zeigt alle"
        )
    click.echo(f"Rückruf {callback_id} abgesagt; die Nummer ist gelöscht")


def _row(item: ListedCallback, cipher: DataCipher, tz: tzinfo) -> tuple[str, ...]:
    return (
        str(item.id),
        _local(item.due_at, tz),
        _local(item.slot_start, tz) if item.slot_start else "so bald wie möglich",
        display_case_reference(item.case_reference) if item.case_reference else "-",
        STATE_NAMES.get(item.state, item.state),
        str(item.attempts),
        _masked(cipher, item.number_encrypted),
    )


def _local(at: datetime | None, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y %H:%M}" if at is not None else "-"


def _masked(cipher: DataCipher, token: bytes | None) -> str:
    return GONE if token is None else masked_number(cipher, token, unreadable=UNREADABLE)
