"""`hotline counsellor add|list|duty|email|display-name`: who takes calls, on which (masked)
number, and how officials see them in invitations."""

from __future__ import annotations

import click

from hotline.cli.support import cli_services, cli_units, masked_number
from hotline.counsellors.service import (
    CounsellorExists,
    CounsellorNotFound,
    InvalidCounsellorName,
    InvalidDisplayName,
    add_counsellor,
    list_counsellors,
    parse_languages,
    set_display_name,
    set_email,
    set_on_duty,
)
from hotline.routing.lock import hold_routing_lock

UNREADABLE = "(Nummer unlesbar: Schlüssel fehlt, neu eintragen)"
DISPLAY_NAME_RULE = "Anzeigename: 1 bis 80 Zeichen, keine Steuerzeichen (Zeilenumbruch, Tab …)."
NAME_RULE = "Name: nicht leer, keine Steuerzeichen (Zeilenumbruch, Tab …)."


@click.group(help="Berater:innen und wer im Dienst ist.")
def counsellor() -> None:
    """Unterbefehle: add, list, duty, email, display-name, availability, absent, feed."""


@counsellor.command(
    "add", help="Eine Berater:in anlegen; die Nummer wird verschlüsselt gespeichert."
)
@click.argument("name")
@click.option("--phone", required=True, help="Die Nummer, die klingelt, z. B. +49 228 1234567.")
@click.option("--on-duty", is_flag=True, help="Gleich in den Dienst setzen.")
@click.option(
    "--languages",
    default="de",
    show_default=True,
    help="Sprachen, in denen sie Anrufe annimmt: de, en oder de,en.",
)
@click.option("--email", default=None, help="Adresse für Einladungen zu Videoterminen.")
@click.option(
    "--display-name",
    default=None,
    help="Wie Amtsträger:innen sie in Einladungen sehen (sonst: der Vorname).",
)
def counsellor_add(
    name: str,
    phone: str,
    on_duty: bool,
    languages: str,
    email: str | None,
    display_name: str | None,
) -> None:
    try:
        languages = parse_languages(languages)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--languages") from None
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            add_counsellor(
                session,
                name,
                phone,
                svc.cipher,
                svc.clock.now(),
                on_duty=on_duty,
                languages=languages,
                email=email,
                display_name=display_name,
            )
    except CounsellorExists as error:
        raise click.ClickException(str(error)) from None
    except InvalidDisplayName:
        raise click.BadParameter(DISPLAY_NAME_RULE, param_hint="--display-name") from None
    except InvalidCounsellorName:
        raise click.BadParameter(NAME_RULE, param_hint="NAME") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--phone/--email") from None
    click.echo(f"Berater:in {name} angelegt ({_duty(on_duty)}, {languages})")


@counsellor.command("list", help="Die Berater:innen und ob sie im Dienst sind (Nummern maskiert).")
def counsellor_list() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        rows = [
            (
                c.name,
                c.on_duty,
                masked_number(svc.cipher, c.phone_encrypted, unreadable=UNREADABLE),
                c.languages,
                c.off_duty_reason,
            )
            for c in list_counsellors(session)
        ]
    if not rows:
        click.echo("noch keine Berater:innen: `hotline counsellor add NAME --phone +49…`")
    width = max((len(row[0]) for row in rows), default=4)
    duty_width = max(len(_duty(True)), len(_duty(False)))
    for name, on_duty, phone, languages, reason in rows:
        line = f"{name:<{width}}  {_duty(on_duty):<{duty_width}}  {phone}  {languages}"
        click.echo(line + (f"  — {reason}" if reason and not on_duty else ""))


@counsellor.command("duty", help="Eine Berater:in in den Dienst setzen (on) oder aus ihm (off).")
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
def counsellor_duty(name: str, state: str) -> None:
    try:
        with cli_units().transaction() as unit:
            hold_routing_lock(unit.session)  # first: who is on duty decides who is rung
            set_on_duty(unit.session, name, state == "on", unit.now)
            # one more on duty may take the next in line at once
            unit.routing.distribute()
    except CounsellorNotFound as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{name} ist jetzt {_duty(state == 'on')}")


@counsellor.command(
    "email",
    help="Die E-Mail-Adresse einer Berater:in eintragen (oder mit --remove löschen).",
)
@click.argument("name")
@click.argument("address", required=False)
@click.option("--remove", is_flag=True, help="Keine Einladungen mehr per E-Mail.")
def counsellor_email(name: str, address: str | None, remove: bool) -> None:
    if bool(address) == remove:
        raise click.UsageError("Bitte eine ADDRESS oder --remove angeben.")
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            set_email(session, name, None if remove else address, svc.cipher)
    except CounsellorNotFound as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from None
    click.echo(f"{name}: " + ("keine E-Mail-Adresse" if remove else "E-Mail-Adresse gespeichert"))


@counsellor.command(
    "display-name",
    help="Den Anzeigenamen setzen, den Amtsträger:innen in Einladungen sehen (oder mit "
    "--first-name wieder den Vornamen).",
)
@click.argument("name")
@click.argument("display_name", metavar="TEXT", required=False)
@click.option("--first-name", is_flag=True, help="Amtsträger:innen sehen wieder den Vornamen.")
def counsellor_display_name(name: str, display_name: str | None, first_name: bool) -> None:
    if (display_name is not None) == first_name:
        raise click.UsageError("Bitte einen Anzeigenamen (TEXT) oder --first-name angeben.")
    svc = cli_services()
    try:
        with svc.database.transaction() as session:
            shown = set_display_name(session, name, display_name, svc.clock.now()).shown_name
    except CounsellorNotFound:
        raise click.ClickException(f"Keine Berater:in namens {name!r}.") from None
    except InvalidDisplayName:
        raise click.BadParameter(DISPLAY_NAME_RULE, param_hint="TEXT") from None
    click.echo(f"{name} erscheint in Einladungen jetzt als „{shown}“.")


def _duty(on_duty: bool) -> str:
    """As the console says it."""
    return "im Dienst" if on_duty else "nicht im Dienst"
