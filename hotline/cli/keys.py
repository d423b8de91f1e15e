"""`hotline keygen` and `hotline keys rotate`: the keys that protect personal data at rest."""

from __future__ import annotations

import click

from hotline.cli.support import cli_services
from hotline.crypto import generate_key
from hotline.key_rotation import DEFAULT_BATCH_SIZE, ColumnRotation, rotate_keys
from hotline.plurals import counted
from hotline.schema import encrypted_columns


@click.command(
    help="Einen neuen HOTLINE_DATA_KEY ausgeben. Zum Wechsel vorn in die Liste setzen "
    "(durch Komma getrennt), dann `hotline keys rotate`."
)
def keygen() -> None:
    click.echo(generate_key())


@click.group(help="Die Schlüssel, mit denen Nummern und Adressen gespeichert sind.")
def keys() -> None:
    """Unterbefehle: rotate."""


@keys.command(
    "rotate",
    help="Jede gespeicherte Nummer, Adresse und Antwort mit dem neuesten HOTLINE_DATA_KEY "
    "(dem ersten der Liste) neu verschlüsseln. Darf abgebrochen und wiederholt werden; einen "
    "alten Schlüssel erst entfernen, wenn ein Lauf keinen Wert mehr unter ihm meldet.",
)
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    type=click.IntRange(1),
    help="So viele Zeilen je Transaktion.",
)
def keys_rotate(batch_size: int) -> None:
    svc = cli_services()

    def progress(report: ColumnRotation) -> None:
        click.echo(
            f"  {report.column}: {report.rotated} neu verschlüsselt, "
            f"{report.current} schon aktuell (bisher)",
            err=True,
        )

    reports = rotate_keys(
        svc.database, svc.cipher, encrypted_columns(), batch_size=batch_size, on_batch=progress
    )
    width = max(len(report.column) for report in reports)
    for report in reports:
        click.echo(
            f"{report.column:<{width}}  {report.rotated:>7} neu verschlüsselt  "
            f"{report.current:>7} schon aktuell  {report.unreadable:>5} unlesbar"
        )
    unreadable = sum(report.unreadable for report in reports)
    if unreadable:
        raise click.ClickException(
            f"{counted(unreadable, 'Wert')} mit keinem eingetragenen Schlüssel lesbar; sie "
            "bleiben, wie sie sind. Den Schlüssel, mit dem sie geschrieben wurden, in "
            "HOTLINE_DATA_KEY eintragen und noch einmal starten."
        )
    click.echo(
        "Alle gespeicherten Werte sind mit dem neuesten Schlüssel verschlüsselt; ältere "
        "Schlüssel können entfernt werden."
    )
