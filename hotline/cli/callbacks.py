"""`hotline callbacks list|cancel`: the booked callbacks as counsellors see them (numbers
masked)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

import click

from hotline.callbacks.listing import (
    LISTED_STATES,
    ListedCallback,
    appointment_of_callback,
    list_callbacks,
)
from hotline.callbacks.wording import STATE_NAMES
from hotline.cases.references import display_case_reference
from hotline.cli.support import DAY, ROW_ID, cli_context, cli_units, echo_table, masked_number
from hotline.crypto import DataCipher
from hotline.texts import text, words

GONE = text("cli.callbacks.gone")
UNREADABLE = text("cli.callbacks.unreadable")


STATES_HELP = ", ".join(f"{state} = {STATE_NAMES[state]}" for state in LISTED_STATES)


@click.group(help=text("cli.callbacks.help.group"))
def callbacks() -> None:
    """Subcommands: list, cancel."""


@callbacks.command("list", help=text("cli.callbacks.help.list"))
@click.option("--day", type=DAY, help=text("cli.callbacks.help.day"))
@click.option(
    "--state",
    type=click.Choice(LISTED_STATES),
    help=text("cli.callbacks.help.state", states=STATES_HELP),
)
def callbacks_list(day: date | None, state: str | None) -> None:
    svc, scheduling = cli_context()
    tz = scheduling.hours.timezone
    on_day = day
    with svc.database.transaction() as session:
        listed = list_callbacks(session, day=on_day, state=state, tz=tz)
    if not listed:
        on = text("cli.callbacks.on_day", day=on_day) if on_day else ""
        click.echo(text("cli.callbacks.none") + on)
        return
    rows = [_row(item, svc.cipher, tz) for item in listed]
    echo_table(tuple(words("cli.callbacks.columns").values()), rows)


@callbacks.command("cancel", help=text("cli.callbacks.help.cancel"))
@click.argument("callback_id", type=ROW_ID)
def callbacks_cancel(callback_id: int) -> None:
    with cli_units().transaction() as unit:
        appointment_id = appointment_of_callback(unit.session, callback_id)
        canceled = appointment_id is None and unit.placement.cancel(callback_id)
    if appointment_id is not None:  # cancelling the call alone would leave the time booked
        raise click.ClickException(
            text("cli.callbacks.of_appointment", id=callback_id, appointment=appointment_id)
        )
    if not canceled:
        raise click.ClickException(text("cli.callbacks.not_open", id=callback_id))
    click.echo(text("cli.callbacks.canceled", id=callback_id))


def _row(item: ListedCallback, cipher: DataCipher, tz: tzinfo) -> tuple[str, ...]:
    return (
        str(item.id),
        _local(item.due_at, tz),
        _local(item.slot_start, tz)
        if item.slot_start
        else text("cli.callbacks.as_soon_as_possible"),
        display_case_reference(item.case_reference) if item.case_reference else "-",
        STATE_NAMES.get(item.state, item.state),
        str(item.attempts),
        _masked(cipher, item.number_encrypted),
        str(item.appointment_id) if item.appointment_id is not None else "-",
    )


def _local(at: datetime | None, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y %H:%M}" if at is not None else "-"


def _masked(cipher: DataCipher, token: bytes | None) -> str:
    return GONE if token is None else masked_number(cipher, token, unreadable=UNREADABLE)
