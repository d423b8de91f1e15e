"""`hotline counsellor feed NAME [--renew]`: the secret address of a counsellor's calendar
feed (appointments and callbacks, by case reference only), to subscribe to as webcal://."""

from __future__ import annotations

import click

from hotline.appointments.feed import renew_feed_token
from hotline.appointments.links import links_from_settings
from hotline.cli.support import cli_services
from hotline.counsellors.service import find_counsellor
from hotline.texts import text


@click.command("feed", help=text("cli.feed.help.feed"))
@click.argument("name")
@click.option("--renew", is_flag=True, help=text("cli.feed.help.renew"))
def counsellor_feed(name: str, renew: bool) -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        counsellor = find_counsellor(session, name)
        if counsellor is None:
            raise click.ClickException(text("cli.feed.not_found", name=name))
        if counsellor.feed_token_digest and not renew:
            raise click.ClickException(text("cli.feed.exists", name=name))
        token = renew_feed_token(session, counsellor)
    url = links_from_settings(svc.settings).feed_url(token)
    webcal = url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
    click.echo(text("cli.feed.address_of", name=name))
    click.echo(text("cli.feed.address", url=url))
    click.echo(text("cli.feed.address", url=webcal))
    if renew:
        click.echo(text("cli.feed.renewed"))
