"""`hotline db upgrade|current` and `hotline seed-demo`."""

from __future__ import annotations

import click

from hotline import demo, migrate
from hotline.cli.support import cli_services
from hotline.plurals import counted


@click.group(help="Das Datenbankschema (Alembic-Migrationen).")
def db() -> None:
    """Unterbefehle: upgrade, current."""


@db.command("upgrade", help="Alle Migrationen anwenden (legt die Datenbank bei Bedarf an).")
def db_upgrade() -> None:
    svc = cli_services()
    engine = svc.database.engine
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, cipher=svc.cipher)
    after = migrate.current_revision(engine)
    state = "schon aktuell" if before == after else f"aktualisiert von {before or 'leer'}"
    click.echo(f"Datenbank auf Revision {after} ({state})")


@db.command("current", help="Die Schema-Revision der Datenbank zeigen.")
def db_current() -> None:
    engine = cli_services().database.engine
    click.echo(
        f"aktuell {migrate.current_revision(engine) or 'leer'}, neueste {migrate.head_revision()}"
    )


@click.command(
    "seed-demo",
    help="Demo-Berater:innen, Beispielangebote und (außer in Produktion) Demo-Konten der "
    "Konsole anlegen; mit --if-empty nur in eine leere Datenbank.",
)
@click.option("--if-empty", is_flag=True, help="Nichts tun, wenn es schon Berater:innen gibt.")
def seed_demo(if_empty: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        if if_empty and not demo.is_empty(session):
            click.echo("Demodaten übersprungen: Die Datenbank hat schon Berater:innen")
            return
        now = svc.clock.now()
        added = demo.seed_demo(session, svc.cipher, now)
        offers = demo.seed_demo_offers(session, now)
        staff = [] if svc.settings.is_production else demo.seed_demo_staff(session, svc.cipher, now)
    click.echo(f"Demo-Berater:innen angelegt: {', '.join(added) or 'keine (alle schon da)'}")
    if offers:
        click.echo(
            f"Beispielangebote angelegt: {counted(offers, 'Angebot')} "
            "(BEISPIELDATEN, keine echten Angebote)"
        )
    if staff:
        click.echo(
            f"Konten der Konsole angelegt: {', '.join(staff)}, Passwort {demo.DEMO_PASSWORD!r} "
            "(nur in der Entwicklung)"
        )
    elif svc.settings.is_production:
        click.echo("keine Demo-Konten in Produktion: `hotline staff add EMAIL --role admin`")
