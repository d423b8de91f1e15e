"""`hotline db upgrade|current` and `hotline seed-demo`."""

from __future__ import annotations

import click

from hotline import demo, migrate
from hotline.cli.support import cli_services


@click.group(help="Database schema (Alembic migrations).")
def db() -> None:
    """Subcommands: upgrade, current."""


@db.command("upgrade", help="Apply all migrations (creates the database if needed).")
def db_upgrade() -> None:
    svc = cli_services()
    engine = svc.database.engine
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, cipher=svc.cipher)
    after = migrate.current_revision(engine)
    state = "already up to date" if before == after else f"upgraded from {before or 'empty'}"
    click.echo(f"database at revision {after} ({state})")


@db.command("current", help="Show the schema revision of the database.")
def db_current() -> None:
    engine = cli_services().database.engine
    click.echo(
        f"current {migrate.current_revision(engine) or 'empty'}, newest {migrate.head_revision()}"
    )


@click.command(
    "seed-demo",
    help="Add demo counsellors, example offers and (outside production) console logins; "
    "only into an empty database with --if-empty.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when counsellors exist already.")
def seed_demo(if_empty: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        if if_empty and not demo.is_empty(session):
            click.echo("demo data skipped: the database has counsellors already")
            return
        now = svc.clock.now()
        added = demo.seed_demo(session, svc.cipher, now)
        offers = demo.seed_demo_offers(session, now)
        staff = [] if svc.settings.is_production else demo.seed_demo_staff(session, svc.cipher, now)
    click.echo(f"demo counsellors added: {', '.join(added) or 'none (all present)'}")
    if offers:
        click.echo(f"example support offers added: {offers} (BEISPIELDATEN, not real offers)")
    if staff:
        click.echo(
            f"console logins added: {', '.join(staff)}, password {demo.DEMO_PASSWORD!r} "
            "(development only)"
        )
    elif svc.settings.is_production:
        click.echo("no demo console logins in production: `hotline staff add EMAIL --role admin`")
