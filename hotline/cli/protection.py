"""`hotline block add|list|lift` and `hotline flood status|on|off`: protecting the line
(`hotline.abuse`). Blocks keep no number; the list shows the case, the times and the reason."""

from __future__ import annotations

from datetime import datetime, tzinfo

import click

from hotline.abuse.blocks import ListedBlock, NothingToBlock
from hotline.abuse.bursts import hold_bookings, release_bookings
from hotline.abuse.flood import switch_flood
from hotline.abuse.protection import protection_state
from hotline.abuse.wording import ENDED, bookings_words, cannot_block, flood_words
from hotline.cases.references import display_case_reference
from hotline.cli.support import ROW_ID, cli_units, echo_table
from hotline.texts import text, words


@click.group(help=text("cli.block.help.group"))
def block() -> None:
    """Subcommands: add, list, lift."""


@block.command("add", help=text("cli.block.help.add"))
@click.option("--case", "case_reference", help=text("cli.block.help.case"))
@click.option("--call", "call_sid", help=text("cli.block.help.call"))
@click.option("--days", type=click.IntRange(1, 3650), help=text("cli.block.help.days"))
@click.option("--reason", required=True, help=text("cli.block.help.reason"))
def block_add(
    case_reference: str | None, call_sid: str | None, days: int | None, reason: str
) -> None:
    if (case_reference is None) == (call_sid is None):
        raise click.UsageError(text("cli.block.case_or_call"))
    units = cli_units()
    try:
        with units.transaction() as unit:
            desk = unit.blocks
            if case_reference is not None:
                block_id = desk.block_case_caller(case_reference, days, reason)
            else:
                assert call_sid is not None
                block_id = desk.block_call_caller(call_sid, days, reason)
            until = desk.expires_at(block_id)
            tz = unit.timezone
    except NothingToBlock as refused:
        raise click.ClickException(
            cannot_block(refused, units.config.abuse.max_block_days)
        ) from None
    click.echo(text("cli.block.added", id=block_id, until=until.astimezone(tz)))


@block.command("list", help=text("cli.block.help.list"))
@click.option("--all", "with_ended", is_flag=True, help=text("cli.block.help.all"))
def block_list(with_ended: bool) -> None:
    with cli_units().transaction() as unit:
        listed = unit.blocks.listing(with_ended=with_ended)
        tz = unit.timezone
    if not listed:
        click.echo(text("cli.block.none"))
        return
    echo_table(tuple(words("cli.block.columns").values()), [_row(item, tz) for item in listed])


@block.command("lift", help=text("cli.block.help.lift"))
@click.argument("block_id", type=ROW_ID)
def block_lift(block_id: int) -> None:
    with cli_units().transaction() as unit:
        lifted = unit.blocks.lift(block_id)
    if not lifted:
        raise click.ClickException(text("cli.block.not_active", id=block_id))
    click.echo(text("cli.block.lifted", id=block_id))


def _row(item: ListedBlock, tz: tzinfo) -> tuple[str, ...]:
    return (
        str(item.id),
        display_case_reference(item.case_reference) if item.case_reference else "-",
        _local(item.created_at, tz),
        _local(item.ended_at or item.expires_at, tz),
        ENDED.get(item.ended_how or "", text("cli.block.running")),
        item.key_id,
        text("cli.block.unreadable") if item.reason is None else item.reason,
    )


def _local(at: datetime, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y %H:%M}"


@click.group(help=text("cli.flood.help.group"))
def flood() -> None:
    """Subcommands: status, on, off."""


@flood.command("status", help=text("cli.flood.help.status"))
def flood_status() -> None:
    with cli_units().transaction() as unit:
        state = protection_state(unit.session)
        tz = unit.timezone
    click.echo(flood_words(state, tz))


@flood.command("on", help=text("cli.flood.help.on"))
def flood_on() -> None:
    _switch(True)


@flood.command("off", help=text("cli.flood.help.off"))
def flood_off() -> None:
    _switch(False)


def _switch(on: bool) -> None:
    with cli_units().transaction() as unit:
        changed = switch_flood(unit.session, unit.now, on, by=None)
        state = protection_state(unit.session)
        tz = unit.timezone
    click.echo(flood_words(state, tz))
    click.echo(text("cli.flood.switched" if changed else "cli.flood.unchanged"))


@click.group(help=text("cli.bookings.help.group"))
def bookings() -> None:
    """Subcommands: status, hold, release."""


@bookings.command("status", help=text("cli.bookings.help.status"))
def bookings_status() -> None:
    with cli_units().transaction() as unit:
        said = bookings_words(protection_state(unit.session), unit.timezone)
    click.echo(said)


@bookings.command("hold", help=text("cli.bookings.help.hold"))
def bookings_hold() -> None:
    with cli_units().transaction() as unit:
        changed = hold_bookings(unit.session, unit.cipher, unit.now, by=None)
        said = bookings_words(protection_state(unit.session), unit.timezone)
    click.echo(said)
    click.echo(text("cli.flood.switched" if changed else "cli.flood.unchanged"))


@bookings.command("release", help=text("cli.bookings.help.release"))
def bookings_release() -> None:
    with cli_units().transaction() as unit:
        changed = release_bookings(unit.session, unit.now, by=None)
        said = bookings_words(protection_state(unit.session), unit.timezone)
    click.echo(said)
    click.echo(text("cli.flood.switched" if changed else "cli.flood.unchanged"))
