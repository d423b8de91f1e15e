"""`hotline db upgrade|current` and `hotline seed-demo`."""

from __future__ import annotations

import click

from hotline import demo, migrate
from hotline.cli.support import cli_services
from hotline.plurals import Counted
from hotline.texts import text


@click.group(help=text("cli.db.help.group"))
def db() -> None:
    """Subcommands: upgrade, current."""


@db.command("upgrade", help=text("cli.db.help.upgrade"))
def db_upgrade() -> None:
    svc = cli_services()
    engine = svc.database.engine
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, cipher=svc.cipher)
    after = migrate.current_revision(engine)
    if before == after:
        state = text("cli.db.up_to_date")
    else:
        state = text("cli.db.upgraded_from", before=before or text("cli.db.empty"))
    click.echo(text("cli.db.at_revision", after=after, state=state))


@db.command("current", help=text("cli.db.help.current"))
def db_current() -> None:
    engine = cli_services().database.engine
    current = migrate.current_revision(engine) or text("cli.db.empty")
    click.echo(text("cli.db.current", current=current, head=migrate.head_revision()))


@click.command("seed-demo", help=text("cli.db.help.seed_demo"))
@click.option("--if-empty", is_flag=True, help=text("cli.db.help.if_empty"))
def seed_demo(if_empty: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        if if_empty and not demo.is_empty(session):
            click.echo(text("cli.db.demo_skipped"))
            return
        now = svc.clock.now()
        added = demo.seed_demo(session, svc.cipher, now)
        offers = demo.seed_demo_offers(session, now)
        staff = [] if svc.settings.is_production else demo.seed_demo_staff(session, svc.cipher, now)
    names = ", ".join(added) or text("cli.db.demo_counsellors_none")
    click.echo(text("cli.db.demo_counsellors", names=names))
    if offers:
        click.echo(text("cli.db.demo_offers", count=Counted(offers)))
    if staff:
        accounts = ", ".join(staff)
        click.echo(text("cli.db.demo_staff", accounts=accounts, password=demo.DEMO_PASSWORD))
    elif svc.settings.is_production:
        click.echo(text("cli.db.no_demo_staff_in_production"))
