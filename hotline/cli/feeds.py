"""`hotline counsellor feed NAME [--renew]`: the secret address of a counsellor's calendar
feed (appointments and callbacks, by case reference only), to subscribe to as webcal://."""

from __future__ import annotations

import click

from hotline.appointments.feed import renew_feed_token
from hotline.appointments.links import links_from_settings
from hotline.cli.support import cli_services
from hotline.counsellors.service import find_counsellor


@click.command(
    "feed",
    help="Die geheime Adresse des Kalender-Abos einer Berater:in anlegen (oder mit --renew "
    "ersetzen). Gespeichert wird nur ein Fingerabdruck: Die Adresse erscheint nur einmal, hier.",
)
@click.argument("name")
@click.option("--renew", is_flag=True, help="Eine neue Adresse; die alte gilt nicht mehr.")
def counsellor_feed(name: str, renew: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        counsellor = find_counsellor(session, name)
        if counsellor is None:
            raise click.ClickException(
                f"keine Berater:in namens {name!r}; `hotline counsellor list` zeigt alle"
            )
        if counsellor.feed_token_digest and not renew:
            raise click.ClickException(
                f"{name} hat schon eine Abo-Adresse (sie erscheint nur einmal); "
                "`--renew` macht eine neue, die alte gilt dann nicht mehr"
            )
        token = renew_feed_token(session, counsellor)
    url = links_from_settings(svc.settings).feed_url(token)
    click.echo(f"Kalender-Abo für {name} (geheim halten, nicht weitergeben):")
    click.echo(f"  {url}")
    click.echo(f"  {url.replace('https://', 'webcal://', 1).replace('http://', 'webcal://', 1)}")
    if renew:
        click.echo("Die bisherige Adresse gilt nicht mehr.")
