"""`hotline offers import FILE.csv|list`: the directory of support offers."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cases.vocabulary import OFFER_CATEGORIES, REGIONS
from hotline.cli.support import cli_services, echo_table
from hotline.plurals import Counted
from hotline.referrals.directory import COLUMNS, OfferRefused, import_offers, offers
from hotline.texts import text as catalog_text
from hotline.texts import words


@click.group("offers", help=catalog_text("cli.offers.help.group"))
def offers_group() -> None:
    """Subcommands: import, list."""


@offers_group.command(
    "import", help=catalog_text("cli.offers.help.import", columns=", ".join(COLUMNS))
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def offers_import(file: Path) -> None:
    try:
        text = file.read_bytes().decode("utf-8")  # as written: a quoted field may hold a CR
    except UnicodeDecodeError:
        raise click.ClickException(catalog_text("cli.offers.not_utf8", file=file)) from None
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            report = import_offers(session, text, svc.clock.now())
    except OfferRefused as error:
        raise click.ClickException(
            catalog_text("cli.offers.refused", file=file, why=error)
        ) from None
    click.echo(
        catalog_text(
            "cli.offers.imported",
            added=Counted(report.added),
            updated=report.updated,
            rejected=Counted(len(report.rejected)),
        )
    )
    for line, why in report.rejected:
        click.echo(catalog_text("cli.offers.rejected_line", line=line, why=why), err=True)
    if report.rejected:
        raise SystemExit(1)


@offers_group.command("list", help=catalog_text("cli.offers.help.list"))
@click.option("--region", default=None, help=catalog_text("cli.offers.help.region"))
def offers_list(region: str | None) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                REGIONS.get(o.region, o.region),
                OFFER_CATEGORIES.get(o.category, o.category),
                o.name,
                catalog_text("cli.offers.last_checked", day=o.last_checked)
                if o.last_checked
                else "-",
            )
            for o in offers(session, region.upper() if region else None)
        ]
    if not rows:
        click.echo(catalog_text("cli.offers.none_yet"))
        return
    echo_table(tuple(words("cli.offers.columns").values()), rows)
