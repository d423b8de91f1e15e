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
from hotline.staff.models import StaffRole


@click.group(help="Staff accounts for the console (/staff/).")
def staff() -> None:
    """Subcommands: add, list, disable, enable, reset-password."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff.command("add", help="Add an account; asks for the password (or reads it from stdin).")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--counsellor", default=None, help="Link to the counsellor of this name.")
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
    linked = f", linked to counsellor {counsellor}" if counsellor else ""
    click.echo(f"staff account {account_id} added ({role}{linked})")


@staff.command("list", help="List accounts (addresses are shown: operators manage them).")
def staff_list() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                str(account.id),
                svc.cipher.decrypt(account.email_encrypted),
                account.role,
                "disabled" if account.disabled_at else "active",
                f"{account.last_login_at:%Y-%m-%d %H:%M} UTC" if account.last_login_at else "-",
            )
            for account in list_accounts(session)
        ]
    if not rows:
        click.echo("no staff accounts yet: `hotline staff add EMAIL --role admin`")
        return
    echo_table(("id", "e-mail", "role", "state", "last login"), rows)


def _change(email: str, change: str, password: str | None = None) -> None:
    svc = cli_services()
    now = svc.clock.now()
    try:
        with svc.database.transaction() as session:
            account = find_account(session, email)
            if account is None:
                raise StaffError("no account with this address")
            if change == "disable":
                disable(session, account, now)
            elif change == "enable":
                enable(session, account, now)
            else:
                assert password is not None
                reset_password(session, account, password, now)
    except StaffError as error:
        raise click.ClickException(str(error)) from None


@staff.command("disable", help="Disable an account; its sessions end at once.")
@click.argument("email")
def staff_disable(email: str) -> None:
    _change(email, "disable")
    click.echo("account disabled; its sessions have ended")


@staff.command("enable", help="Enable a disabled account again.")
@click.argument("email")
def staff_enable(email: str) -> None:
    _change(email, "enable")
    click.echo("account enabled")


@staff.command("reset-password", help="Set a new password; sessions end, a lock-out is lifted.")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def staff_reset_password(email: str, password_stdin: bool) -> None:
    _change(email, "reset", _password(password_stdin))
    click.echo("password set; the account's sessions have ended")
