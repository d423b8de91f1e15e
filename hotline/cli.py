"""The `hotline` command: database, demo data, counsellors, opening hours, keys, the simulator."""

from __future__ import annotations

import sys

import click
from dotenv import load_dotenv

from hotline import demo, migrate
from hotline.cli_hours import hours
from hotline.cli_simulate import simulate
from hotline.cli_support import cli_services
from hotline.counsellors import (
    CounsellorExists,
    CounsellorNotFound,
    add_counsellor,
    list_counsellors,
    set_on_duty,
)
from hotline.crypto import generate_key


@click.group(help="Telefon- und Terminbackend der starken Stelle (0800 300 99 44).")
def main() -> None:
    load_dotenv(".env", override=False)


@main.command(help="Print a new HOTLINE_DATA_KEY (Fernet key). Prepend it to rotate keys.")
def keygen() -> None:
    click.echo(generate_key())


@main.group(help="Database schema (Alembic migrations).")
def db() -> None:
    """Subcommands: upgrade, current."""


@db.command("upgrade", help="Apply all migrations (creates the database if needed).")
def db_upgrade() -> None:
    engine = cli_services().database.engine
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    state = "already up to date" if before == after else f"upgraded from {before or 'empty'}"
    click.echo(f"database at revision {after} ({state})")


@db.command("current", help="Show the schema revision of the database.")
def db_current() -> None:
    engine = cli_services().database.engine
    click.echo(
        f"current {migrate.current_revision(engine) or 'empty'}, newest {migrate.head_revision()}"
    )


@main.command(
    "seed-demo", help="Add demo counsellors (only into an empty database with --if-empty)."
)
@click.option("--if-empty", is_flag=True, help="Do nothing when counsellors exist already.")
def seed_demo(if_empty: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        if if_empty and not demo.is_empty(session):
            click.echo("demo data skipped: the database has counsellors already")
            return
        added = demo.seed_demo(session, svc.cipher, svc.clock.now())
    click.echo(f"demo counsellors added: {', '.join(added) or 'none (all present)'}")


@main.group(help="Counsellors (Berater:innen) and who is on duty.")
def counsellor() -> None:
    """Subcommands: add, list, duty."""


@counsellor.command("add", help="Add a counsellor; the number is stored encrypted.")
@click.argument("name")
@click.option("--phone", required=True, help="Number to ring, e.g. +49 228 1234567.")
@click.option("--on-duty", is_flag=True, help="Put on duty right away.")
def counsellor_add(name: str, phone: str, on_duty: bool) -> None:
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            add_counsellor(session, name, phone, svc.cipher, svc.clock.now(), on_duty=on_duty)
    except CounsellorExists as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--phone") from None
    click.echo(f"counsellor {name} added ({'on duty' if on_duty else 'off duty'})")


@counsellor.command("list", help="List counsellors and their duty state (numbers masked).")
def counsellor_list() -> None:
    from hotline.phone_numbers import mask

    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (c.name, c.on_duty, mask(svc.cipher.decrypt(c.phone_encrypted)))
            for c in list_counsellors(session)
        ]
    if not rows:
        click.echo("no counsellors yet: `hotline counsellor add NAME --phone +49...`")
    width = max((len(name) for name, _, _ in rows), default=4)
    for name, on_duty, phone in rows:
        click.echo(f"{name:<{width}}  {'on duty ' if on_duty else 'off duty'}  {phone}")


@counsellor.command("duty", help="Put a counsellor on or off duty.")
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
def counsellor_duty(name: str, state: str) -> None:
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            set_on_duty(session, name, state == "on", svc.clock.now())
    except CounsellorNotFound as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{name} is now {'on' if state == 'on' else 'off'} duty")


main.add_command(hours)
main.add_command(simulate)


if __name__ == "__main__":
    sys.exit(main())
