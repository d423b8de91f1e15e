"""`hotline offers import FILE.csv|list`: the directory of support offers."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cases.vocabulary import OFFER_CATEGORIES, REGIONS
from hotline.cli.support import cli_services, echo_table
from hotline.plurals import counted
from hotline.referrals.directory import COLUMNS, OfferRefused, import_offers, offers


@click.group("offers", help="Das Verzeichnis der Hilfs- und Unterstützungsangebote.")
def offers_group() -> None:
    """Unterbefehle: import, list."""


@offers_group.command(
    "import",
    help=f"Angebote aus einer CSV-Datei einlesen (Spalten: {', '.join(COLUMNS)}); bekannte "
    "(gleicher Name und gleiche Region) werden aktualisiert.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def offers_import(file: Path) -> None:
    try:
        text = file.read_bytes().decode("utf-8")  # as written: a quoted field may hold a CR
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: kein UTF-8-Text") from None
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            report = import_offers(session, text, svc.clock.now())
    except OfferRefused as error:
        raise click.ClickException(f"{file}: {error}") from None
    click.echo(
        f"{counted(report.added, 'Angebot')} hinzugefügt, {report.updated} aktualisiert, "
        f"{counted(len(report.rejected), 'Zeile')} abgelehnt"
    )
    for line, why in report.rejected:
        click.echo(f"  Zeile {line}: {why}", err=True)
    if report.rejected:
        raise SystemExit(1)


@offers_group.command("list", help="Die Angebote auflisten.")
@click.option("--region", default=None, help="Nur diese Region: BY, NW, … oder BUND.")
def offers_list(region: str | None) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                REGIONS.get(o.region, o.region),
                OFFER_CATEGORIES.get(o.category, o.category),
                o.name,
                f"{o.last_checked:%Y-%m-%d}" if o.last_checked else "-",
            )
            for o in offers(session, region.upper() if region else None)
        ]
    if not rows:
        click.echo("noch keine Angebote: `hotline offers import DATEI.csv`")
        return
    echo_table(("Region", "Kategorie", "Name", "Zuletzt geprüft"), rows)
