"""`hotline keygen` and `hotline keys rotate`: the keys that protect personal data at rest."""

from __future__ import annotations

import click

from hotline.cli.support import cli_services
from hotline.crypto import generate_key
from hotline.key_rotation import DEFAULT_BATCH_SIZE, ColumnRotation, rotate_keys
from hotline.schema import encrypted_columns


@click.command(help="Print a new HOTLINE_DATA_KEY. Prepend it (comma) to rotate keys.")
def keygen() -> None:
    click.echo(generate_key())


@click.group(help="Keys for phone numbers and e-mail addresses at rest.")
def keys() -> None:
    """Subcommands: rotate."""


@keys.command(
    "rotate",
    help="Re-encrypt every stored number and address with the newest HOTLINE_DATA_KEY "
    "(the first of the list). Safe to stop and run again; drop an old key only after a run "
    "that reports no values left under it.",
)
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1))
def keys_rotate(batch_size: int) -> None:
    svc = cli_services()

    def progress(report: ColumnRotation) -> None:
        click.echo(
            f"  {report.column}: {report.rotated} re-encrypted, {report.current} current so far",
            err=True,
        )

    reports = rotate_keys(
        svc.database, svc.cipher, encrypted_columns(), batch_size=batch_size, on_batch=progress
    )
    width = max(len(report.column) for report in reports)
    for report in reports:
        click.echo(
            f"{report.column:<{width}}  {report.rotated:>7} re-encrypted  "
            f"{report.current:>7} current already  {report.unreadable:>5} unreadable"
        )
    unreadable = sum(report.unreadable for report in reports)
    if unreadable:
        raise click.ClickException(
            f"{unreadable} value(s) cannot be read with any configured key; they stay as they "
            "are. Add the key they were written with to HOTLINE_DATA_KEY and run again."
        )
    click.echo("all stored values are sealed with the newest key; older keys can be dropped")
