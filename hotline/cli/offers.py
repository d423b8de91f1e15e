"""`hotline offers import FILE.csv|list`: the directory of support offers."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cases.vocabulary import OFFER_CATEGORIES, REGIONS
from hotline.cli.support import cli_services, echo_table
from hotline.referrals.directory import COLUMNS, OfferRefused, import_offers, offers


@click.group("offers", help="The directory of support offers (Hilfsangebote).")
def offers_group() -> None:
    """Subcommands: import, list."""


@offers_group.command("import", help=f"Import offers from CSV (columns: {', '.join(COLUMNS)}).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def offers_import(file: Path) -> None:
    try:
        text = file.read_bytes().decode("utf-8")  # as written: a quoted field may hold a CR
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            report = import_offers(session, text, svc.clock.now())
    except OfferRefused as error:
        raise click.ClickException(f"{file}: {error}") from None
    click.echo(f"{report.added} added, {report.updated} updated, {len(report.rejected)} rejected")
    for line, why in report.rejected:
        click.echo(f"  line {line}: {why}", err=True)
    if report.rejected:
        raise SystemExit(1)


@offers_group.command("list", help="List the offers.")
@click.option("--region", default=None, help="BY, NW, ... or BUND")
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
        click.echo("no offers yet: `hotline offers import FILE.csv`")
        return
    echo_table(("region", "category", "name", "checked"), rows)
