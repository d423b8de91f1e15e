"""`hotline simulate`: a phone call in the terminal against the app, signed as Twilio signs.

It runs the app in-process on the configured database, with the clock set by --at, and plays
the TwiML exactly as Twilio would. --keys makes it non-interactive (one token per prompt).
"""

from __future__ import annotations

import os
import shlex

import click
from flask import Flask

from hotline import migrate
from hotline.app import scheduling_config
from hotline.cases.references import display_case_reference
from hotline.cli.support import cli_app, parse_when
from hotline.clock import ShiftedClock
from hotline.services import services
from hotline.simulator import (
    CallPlayer,
    FlaskClientTransport,
    HttpTransport,
    InteractiveCaller,
    ScriptedCaller,
    Transcript,
    format_event,
)
from hotline.simulator.prompts import DIAL_OUTCOMES
from hotline.telephony.call_log import find_call
from hotline.telephony.urls import FALLBACK_PATH, INCOMING_STEP, STATUS_PATH, voice_url


@click.command(help="Simulate a call to the hotline in the terminal (what the caller hears).")
@click.option(
    "--at",
    "at_text",
    metavar="DATETIME",
    help="Clock for the call, e.g. '2026-12-24 10:00' (Berlin time). Default: now.",
)
@click.option(
    "--from",
    "from_number",
    default="+4915123456789",
    show_default=True,
    help="Caller ID; 'anonymous' for a withheld number.",
)
@click.option(
    "--keys",
    metavar="SCRIPT",
    help='Non-interactive: one token per prompt, e.g. "9 - 12345678#" (- = nothing).',
)
@click.option(
    "--dial",
    "dial_outcome",
    type=click.Choice(sorted(DIAL_OUTCOMES)),
    default="completed",
    show_default=True,
    help="With --keys: how ringing the counsellors ends.",
)
@click.option(
    "--url",
    metavar="URL",
    help="Call a running service (e.g. http://127.0.0.1:8000 from `make run`) instead of the "
    "app in-process; the service's own clock applies.",
)
def simulate(
    at_text: str | None, from_number: str, keys: str | None, dial_outcome: str, url: str | None
) -> None:
    if url and at_text:
        raise click.UsageError("--at sets the in-process clock; a running service keeps its own")
    app = cli_app()
    svc = services(app)
    at = parse_when(at_text, scheduling_config(app).hours.timezone)
    if at is not None:
        svc.clock = ShiftedClock(at)
    _refuse_unusable(app)
    settings = svc.settings
    caller = (
        ScriptedCaller(shlex.split(keys), [dial_outcome] * 10, silence_when_exhausted=True)
        if keys is not None
        else InteractiveCaller()
    )
    base = settings.public_base_url
    if url and not os.environ.get("PUBLIC_BASE_URL", "").strip():
        # a local service (`make run` on some PORT) checks signatures against its own URL
        base = url.rstrip("/")
    transport = (
        HttpTransport(url, settings.twilio_auth_token, base)
        if url
        else FlaskClientTransport(app.test_client(), settings.twilio_auth_token, base)
    )
    player = CallPlayer(
        transport,
        caller,
        from_number=from_number,
        to_number=settings.hotline_number,
        fallback_url=voice_url(base, FALLBACK_PATH),
        status_callback_url=voice_url(base, STATUS_PATH),
        on_event=lambda event: click.echo(format_event(event)),
        clock=svc.clock.now,
    )
    if keys is None:
        click.echo(
            "Anruf bei der starken Stelle. Tasten eingeben und Enter; nur Enter = nichts "
            "drücken; q = auflegen.\n"
        )
    transcript = player.run(voice_url(base, INCOMING_STEP))
    _summarise(app, transcript)


def _refuse_unusable(app: Flask) -> None:
    svc = services(app)
    if svc.settings.is_production:
        raise click.ClickException(
            "hotline simulate writes test calls into the database; "
            "run it with HOTLINE_ENV=development, not against production"
        )
    engine = svc.database.engine
    if migrate.current_revision(engine) != migrate.head_revision():
        raise click.ClickException("the database is not up to date: run `hotline db upgrade`")


def _summarise(app: Flask, transcript: Transcript) -> None:
    svc = services(app)
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        reference = call.case.reference if call and call.case else None
        outcome = call.outcome if call else None
    click.echo("")
    click.echo(
        f"Anruf {transcript.call_sid}: Ergebnis {outcome or 'unbekannt'}, "
        f"Fall {display_case_reference(reference) if reference else '–'}, "
        f"Dauer ca. {transcript.duration_seconds} s"
    )
    if transcript.application_errors:
        raise click.ClickException("the call hit an application error (see above)")
