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

ROLES_HELP = ", ".join(f"{role.value} = {ROLE_NAMES[role.value]}" for role in StaffRole)


@click.group(help="Die Konten der Konsole (/staff/).")
def staff() -> None:
    """Unterbefehle: add, list, disable, enable, reset-password."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("kein Passwort auf der Standardeingabe")
        return password
    return click.prompt(
        "Passwort",
        hide_input=True,
        confirmation_prompt="Passwort noch einmal",
    )


@staff.command(
    "add",
    help="Ein Konto anlegen; fragt nach dem Passwort (oder liest es von der Standardeingabe).",
)
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in StaffRole]),
    required=True,
    help=f"Die Rolle ({ROLES_HELP}).",
)
@click.option("--password-stdin", is_flag=True, help="Das Passwort von der Standardeingabe lesen.")
@click.option("--counsellor", default=None, help="Mit der Berater:in dieses Namens verknüpfen.")
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
    linked = f", verknüpft mit {counsellor}" if counsellor else ""
    click.echo(f"Konto {account_id} angelegt ({ROLE_NAMES[role]}{linked})")


@staff.command("list", help="Die Konten auflisten (mit Adresse: der Betrieb verwaltet sie).")
def staff_list() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                str(account.id),
                svc.cipher.decrypt(account.email_encrypted),
                ROLE_NAMES.get(account.role, account.role),
                "deaktiviert" if account.disabled_at else "aktiv",
                f"{account.last_login_at:%Y-%m-%d %H:%M} UTC" if account.last_login_at else "-",
            )
            for account in list_accounts(session)
        ]
    if not rows:
        click.echo("noch keine Konten: `hotline staff add EMAIL --role admin`")
        return
    echo_table(("ID", "E-Mail", "Rolle", "Zustand", "Letzte Anmeldung"), rows)


def _change(email: str, change: str, password: str | None = None) -> None:
    svc = cli_services()
    now = svc.clock.now()
    try:
        with svc.database.transaction() as session:
            account = find_account(session, email)
            if account is None:
                raise StaffError("kein Konto mit dieser Adresse")
            if change == "disable":
                disable(session, account, now)
            elif change == "enable":
                enable(session, account, now)
            else:
                assert password is not None
                reset_password(session, account, password, now)
    except StaffError as error:
        raise click.ClickException(str(error)) from None


@staff.command("disable", help="Ein Konto deaktivieren; seine Sitzungen enden sofort.")
@click.argument("email")
def staff_disable(email: str) -> None:
    _change(email, "disable")
    click.echo("Konto deaktiviert; seine Sitzungen sind beendet")


@staff.command("enable", help="Ein deaktiviertes Konto wieder aktivieren.")
@click.argument("email")
def staff_enable(email: str) -> None:
    _change(email, "enable")
    click.echo("Konto wieder aktiviert")


@staff.command(
    "reset-password",
    help="Ein neues Passwort setzen; die Sitzungen enden, eine Sperre wird aufgehoben.",
)
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Das Passwort von der Standardeingabe lesen.")
def staff_reset_password(email: str, password_stdin: bool) -> None:
    _change(email, "reset", _password(password_stdin))
    click.echo("Passwort gesetzt; die Sitzungen des Kontos sind beendet")
