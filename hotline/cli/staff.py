"""`hotline staff add|list|disable|enable|reset-password`: console accounts."""

from __future__ import annotations

import sys

import click

from hotline.cli.support import cli_services, echo_table
from hotline.staff.accounts import (
    StaffError,
    add_account,
    disable,
    enable,
    find_account,
    list_accounts,
    reset_password,
)
from hotline.staff.models import ROLE_NAMES, StaffRole
from hotline.texts import text, words

ROLES_HELP = ", ".join(f"{role.value} = {ROLE_NAMES[role.value]}" for role in StaffRole)


@click.group(help=text("cli.staff.help.group"))
def staff() -> None:
    """Subcommands: add, list, disable, enable, reset-password."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException(text("cli.staff.no_password_on_stdin"))
        return password
    return click.prompt(
        text("cli.staff.password"),
        hide_input=True,
        confirmation_prompt=text("cli.staff.password_again"),
    )


@staff.command("add", help=text("cli.staff.help.add"))
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in StaffRole]),
    required=True,
    help=text("cli.staff.help.role", roles=ROLES_HELP),
)
@click.option("--password-stdin", is_flag=True, help=text("cli.staff.help.password_stdin"))
@click.option("--counsellor", default=None, help=text("cli.staff.help.counsellor"))
def staff_add(email: str, role: str, password_stdin: bool, counsellor: str | None) -> None:
    password = _password(password_stdin)
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            account = add_account(
                session,
                svc.cipher,
                svc.clock.now(),
                email=email,
                role=StaffRole(role),
                password=password,
                counsellor_name=counsellor,
            )
            account_id = account.id
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    linked = text("cli.staff.linked", counsellor=counsellor) if counsellor else ""
    click.echo(text("cli.staff.added", id=account_id, role=ROLE_NAMES[role], linked=linked))


@staff.command("list", help=text("cli.staff.help.list"))
def staff_list() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                str(account.id),
                svc.cipher.decrypt(account.email_encrypted),
                ROLE_NAMES.get(account.role, account.role),
                text(
                    "cli.staff.disabled_state" if account.disabled_at else "cli.staff.active_state"
                ),
                text("cli.staff.last_login", at=account.last_login_at)
                if account.last_login_at
                else "-",
            )
            for account in list_accounts(session)
        ]
    if not rows:
        click.echo(text("cli.staff.none_yet"))
        return
    echo_table(tuple(words("cli.staff.columns").values()), rows)


def _change(email: str, change: str, password: str | None = None) -> None:
    svc = cli_services()
    now = svc.clock.now()
    try:
        with svc.database.transaction() as session:
            account = find_account(session, email)
            if account is None:
                raise StaffError(text("cli.staff.no_account"))
            if change == "disable":
                disable(session, account, now)
            elif change == "enable":
                enable(session, account, now)
            else:
                assert password is not None
                reset_password(session, account, password, now)
    except StaffError as error:
        raise click.ClickException(str(error)) from None


@staff.command("disable", help=text("cli.staff.help.disable"))
@click.argument("email")
def staff_disable(email: str) -> None:
    _change(email, "disable")
    click.echo(text("cli.staff.disabled"))


@staff.command("enable", help=text("cli.staff.help.enable"))
@click.argument("email")
def staff_enable(email: str) -> None:
    _change(email, "enable")
    click.echo(text("cli.staff.enabled"))


@staff.command("reset-password", help=text("cli.staff.help.reset_password"))
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help=text("cli.staff.help.password_stdin"))
def staff_reset_password(email: str, password_stdin: bool) -> None:
    _change(email, "reset", _password(password_stdin))
    click.echo(text("cli.staff.password_set"))
