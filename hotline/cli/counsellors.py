"""`hotline counsellor add|list|duty|email|display-name`: who takes calls, on which (masked)
number, and how officials see them in invitations."""

from __future__ import annotations

import click

from hotline.cli.support import cli_services, cli_units, masked_number
from hotline.counsellors.service import (
    CounsellorExists,
    CounsellorNotFound,
    InvalidCounsellorName,
    InvalidDisplayName,
    add_counsellor,
    list_counsellors,
    parse_languages,
    set_display_name,
    set_email,
    set_on_duty,
)
from hotline.routing.lock import hold_routing_lock
from hotline.texts import text

UNREADABLE = text("cli.counsellor.unreadable")
DISPLAY_NAME_RULE = text("cli.counsellor.display_name_rule")
NAME_RULE = text("cli.counsellor.name_rule")


@click.group(help=text("cli.counsellor.help.group"))
def counsellor() -> None:
    """Subcommands: add, list, duty, email, display-name, availability, absent, feed."""


@counsellor.command("add", help=text("cli.counsellor.help.add"))
@click.argument("name")
@click.option("--phone", required=True, help=text("cli.counsellor.help.phone"))
@click.option("--on-duty", is_flag=True, help=text("cli.counsellor.help.on_duty"))
@click.option(
    "--languages",
    default="de",
    show_default=True,
    help=text("cli.counsellor.help.languages"),
)
@click.option("--email", default=None, help=text("cli.counsellor.help.email"))
@click.option("--display-name", default=None, help=text("cli.counsellor.help.display_name"))
def counsellor_add(
    name: str,
    phone: str,
    on_duty: bool,
    languages: str,
    email: str | None,
    display_name: str | None,
) -> None:
    try:
        languages = parse_languages(languages)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--languages") from None
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            add_counsellor(
                session,
                name,
                phone,
                svc.cipher,
                svc.clock.now(),
                on_duty=on_duty,
                languages=languages,
                email=email,
                display_name=display_name,
            )
    except CounsellorExists as error:
        raise click.ClickException(str(error)) from None
    except InvalidDisplayName:
        raise click.BadParameter(DISPLAY_NAME_RULE, param_hint="--display-name") from None
    except InvalidCounsellorName:
        raise click.BadParameter(NAME_RULE, param_hint="NAME") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--phone/--email") from None
    click.echo(text("cli.counsellor.added", name=name, duty=_duty(on_duty), languages=languages))


@counsellor.command("list", help=text("cli.counsellor.help.list"))
def counsellor_list() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                c.name,
                c.on_duty,
                masked_number(svc.cipher, c.phone_encrypted, unreadable=UNREADABLE),
                c.languages,
                c.off_duty_reason,
            )
            for c in list_counsellors(session)
        ]
    if not rows:
        click.echo(text("cli.counsellor.none_yet"))
    width = max((len(row[0]) for row in rows), default=4)
    duty_width = max(len(_duty(True)), len(_duty(False)))
    for name, on_duty, phone, languages, reason in rows:
        line = f"{name:<{width}}  {_duty(on_duty):<{duty_width}}  {phone}  {languages}"
        shown_reason = reason and not on_duty
        click.echo(
            line + (text("cli.counsellor.off_duty_reason", reason=reason) if shown_reason else "")
        )


@counsellor.command("duty", help=text("cli.counsellor.help.duty"))
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
def counsellor_duty(name: str, state: str) -> None:
    try:
        with cli_units().transaction() as unit:
            hold_routing_lock(unit.session)  # first: who is on duty decides who is rung
            set_on_duty(unit.session, name, state == "on", unit.now)
            # one more on duty may take the next in line at once
            unit.routing.distribute()
    except CounsellorNotFound as error:
        raise click.ClickException(str(error)) from None
    click.echo(text("cli.counsellor.duty_now", name=name, duty=_duty(state == "on")))


@counsellor.command("email", help=text("cli.counsellor.help.email_command"))
@click.argument("name")
@click.argument("address", required=False)
@click.option("--remove", is_flag=True, help=text("cli.counsellor.help.remove"))
def counsellor_email(name: str, address: str | None, remove: bool) -> None:
    if bool(address) == remove:
        raise click.UsageError(text("cli.counsellor.address_or_remove"))
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            set_email(session, name, None if remove else address, svc.cipher)
    except CounsellorNotFound as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from None
    click.echo(
        text("cli.counsellor.email_removed" if remove else "cli.counsellor.email_saved", name=name)
    )


@counsellor.command("display-name", help=text("cli.counsellor.help.display_name_command"))
@click.argument("name")
@click.argument("display_name", metavar="TEXT", required=False)
@click.option("--first-name", is_flag=True, help=text("cli.counsellor.help.first_name"))
def counsellor_display_name(name: str, display_name: str | None, first_name: bool) -> None:
    if (display_name is not None) == first_name:
        raise click.UsageError(text("cli.counsellor.display_name_or_first_name"))
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            shown = set_display_name(session, name, display_name, svc.clock.now()).shown_name
    except CounsellorNotFound:
        raise click.ClickException(text("cli.counsellor.not_found", name=name)) from None
    except InvalidDisplayName:
        raise click.BadParameter(DISPLAY_NAME_RULE, param_hint="TEXT") from None
    click.echo(text("cli.counsellor.display_name_set", name=name, shown=shown))


def _duty(on_duty: bool) -> str:
    """As the console says it."""
    return text("cli.counsellor.on_duty" if on_duty else "cli.counsellor.off_duty")
