"""`hotline keygen` and `hotline keys rotate`: the keys that protect personal data at rest."""

from __future__ import annotations

import click

from hotline.cli.support import cli_services
from hotline.crypto import generate_key
from hotline.key_rotation import DEFAULT_BATCH_SIZE, ColumnRotation, rotate_keys
from hotline.plurals import Counted
from hotline.schema import encrypted_columns
from hotline.texts import text


@click.command(help=text("cli.keys.help.keygen"))
def keygen() -> None:
    click.echo(generate_key())


@click.group(help=text("cli.keys.help.group"))
def keys() -> None:
    """Subcommands: rotate."""


@keys.command("rotate", help=text("cli.keys.help.rotate"))
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    type=click.IntRange(1),
    help=text("cli.keys.help.batch_size"),
)
def keys_rotate(batch_size: int) -> None:
    svc = cli_services()

    def progress(report: ColumnRotation) -> None:
        click.echo(
            text(
                "cli.keys.progress",
                column=report.column,
                rotated=report.rotated,
                current=report.current,
            ),
            err=True,
        )

    reports = rotate_keys(
        svc.database, svc.cipher, encrypted_columns(), batch_size=batch_size, on_batch=progress
    )
    width = max(len(report.column) for report in reports)
    for report in reports:
        click.echo(
            text(
                "cli.keys.column",
                column=report.column,
                width=width,
                rotated=report.rotated,
                current=report.current,
                unreadable=report.unreadable,
            )
        )
    unreadable = sum(report.unreadable for report in reports)
    if unreadable:
        raise click.ClickException(text("cli.keys.unreadable", count=Counted(unreadable)))
    click.echo(text("cli.keys.all_current"))
