"""`hotline simulate`: a phone call in the terminal against the app, signed as Twilio signs.

It runs the app in-process on the configured database, with the clock set by --at, and plays
the TwiML exactly as Twilio would. --keys makes it non-interactive (one token per prompt).
In-process the counsellors' side is played too: the scheduler's due work runs between the
caller's wait rounds, its calls ring simulated counsellors (--counsellor), and the clock moves
with the simulated call so that work due later becomes due.

`--callback ID` plays a booked callback instead: the scheduler's due work places it, and the
person at the terminal (or --keys) is the counsellor whose phone rings; the caller's side is
how the dialled caller answers (--callee). A counsellor who lets it pass is followed by the
next one the service rings, played the same way. Other work that happens to be due runs too,
as in a simulated call: counsellors it rings do not answer, SMS and mails are printed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click
from click.core import ParameterSource
from flask import Flask

from hotline import migrate
from hotline.app import scheduling_config
from hotline.cases.references import display_case_reference
from hotline.cli.simulate_callback import CALLEE_OUTCOMES, play_callback
from hotline.cli.simulation import in_process_dispatcher, scripted_caller
from hotline.cli.support import ROW_ID, cli_app, parse_when
from hotline.clock import FixedClock, SystemClock
from hotline.services import services
from hotline.simulator import (
    Caller,
    CallPlayer,
    FlaskClientTransport,
    HttpTransport,
    InteractiveCaller,
    Switchboard,
    Transcript,
    format_event,
)
from hotline.simulator.counsellor_legs import BEHAVIOURS
from hotline.telephony.call_log import find_call
from hotline.telephony.urls import FALLBACK_PATH, INCOMING_STEP, STATUS_PATH, voice_url


@click.command(
    help="Simulate a call to the hotline in the terminal (what the caller hears); with "
    "--callback ID, a booked callback as the counsellor placing it hears it."
)
@click.option(
    "--at",
    "at_text",
    metavar="DATETIME",
    help="Clock for the call, e.g. '2026-12-24 10:00' (Berlin time). Default: now; with "
    "--callback when the callback falls due (its time or its next retry), or now if that has "
    "passed.",
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
    help='Non-interactive: one token per prompt, e.g. "9 - 12345678#" (- = nothing); with '
    '--callback the counsellor\'s, e.g. "1 1".',
)
@click.option(
    "--counsellor",
    "counsellors",
    type=click.Choice(BEHAVIOURS),
    multiple=True,
    help="How the next counsellor rung behaves (repeatable, in order; later ones ignore the "
    "call). Default: one who accepts.",
)
@click.option(
    "--url",
    metavar="URL",
    help="Call a running service (e.g. http://127.0.0.1:8000 from `make run`) instead of the "
    "app in-process; the service's own clock and scheduler apply.",
)
@click.option(
    "--callback",
    "callback_id",
    type=ROW_ID,
    metavar="ID",
    help="Play a booked callback (`hotline callbacks list`) as it falls due: the scheduler "
    "rings a counsellor, who is you (--keys or the terminal: 1 at the whisper starts it, "
    "after the call 1 = talked, 2 = only a mailbox), and the caller answers as --callee says.",
)
@click.option(
    "--callee",
    type=click.Choice(tuple(CALLEE_OUTCOMES)),
    help="With --callback: how the caller answers the counsellor's call. 'mailbox': a mailbox "
    "answers, so the call connects and the counsellor should then press 2. Default: asked in "
    "the terminal; 'answer' with --keys.",
)
@click.pass_context
def simulate(
    ctx: click.Context,
    at_text: str | None,
    from_number: str,
    keys: str | None,
    counsellors: tuple[str, ...],
    url: str | None,
    callback_id: int | None,
    callee: str | None,
) -> None:
    if url and at_text:
        raise click.UsageError("--at sets the in-process clock; a running service keeps its own")
    if url and counsellors:
        raise click.UsageError(
            "--counsellor plays the counsellors in-process; a running service rings its own"
        )
    _refuse_misplaced_callback_options(ctx, url, counsellors, callback_id, callee)
    app = cli_app()
    svc = services(app)
    at = parse_when(at_text, scheduling_config(app).hours.timezone)
    _refuse_unusable(app)
    if callback_id is not None:
        play_callback(app, callback_id, at, keys, callee)
        return
    settings = svc.settings
    base = settings.public_base_url
    if url and not os.environ.get("PUBLIC_BASE_URL", "").strip():
        # a local service (`make run` on some PORT) checks signatures against its own URL
        base = url.rstrip("/")
    call = Call(
        caller=_caller(keys),
        options={
            "from_number": from_number,
            "to_number": settings.hotline_number,
            "fallback_url": voice_url(base, FALLBACK_PATH),
            "status_callback_url": voice_url(base, STATUS_PATH),
            "on_event": lambda event: click.echo(format_event(event)),
        },
        incoming_url=voice_url(base, INCOMING_STEP),
    )
    if url:
        transport = HttpTransport(url, settings.twilio_auth_token, base)
        player = CallPlayer(transport, call.caller, clock=svc.clock.now, **call.options)
        transcript = player.run(call.incoming_url)
    else:
        transcript = _play_in_process(app, call, at, counsellors or ("accept",))
    _summarise(app, transcript)


def _caller(keys: str | None) -> Caller:
    """A script with --keys (silent once it is used up), else the person at the terminal."""
    if keys is not None:
        return scripted_caller(keys)
    click.echo(
        "Anruf bei der starken Stelle. Tasten eingeben und Enter; nur Enter = nichts "
        "drücken; q = auflegen.\n"
    )
    return InteractiveCaller()


@dataclass(frozen=True)
class Call:
    """The caller's side, the same in-process and against a running service."""

    caller: Caller
    options: dict[str, Any]  # CallPlayer's keyword arguments
    incoming_url: str


def _play_in_process(
    app: Flask, call: Call, at: datetime | None, counsellors: Sequence[str]
) -> Transcript:
    """The app, its scheduler's due work and the counsellors' phones, on a clock that moves
    only with the simulated call."""
    svc = services(app)
    clock = FixedClock(at or SystemClock().now())
    svc.clock = clock
    transport = FlaskClientTransport(
        app.test_client(), svc.settings.twilio_auth_token, svc.settings.public_base_url
    )
    switchboard = Switchboard(transport, counsellors)
    dispatcher = in_process_dispatcher(app, switchboard)
    try:
        player = CallPlayer(
            transport,
            call.caller,
            clock=clock.now,
            advance_clock=clock.advance,
            switchboard=switchboard,
            dispatch=dispatcher.dispatch_due,
            **call.options,
        )
        return player.run(call.incoming_url)
    finally:
        dispatcher.close()


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


# --- --callback ID: a booked callback, played as the counsellor who places it -------------------
def _refuse_misplaced_callback_options(
    ctx: click.Context,
    url: str | None,
    counsellors: tuple[str, ...],
    callback_id: int | None,
    callee: str | None,
) -> None:
    if callback_id is None:
        if callee is not None:
            raise click.UsageError("--callee says how a callback's caller answers: use --callback")
        return
    if url:
        raise click.UsageError(
            "--callback plays a callback in-process; a running service's scheduler places "
            "its callbacks itself"
        )
    if counsellors:
        raise click.UsageError(
            "with --callback you are the counsellor: give their keys with --keys"
        )
    if ctx.get_parameter_source("from_number") != ParameterSource.DEFAULT:
        raise click.UsageError("--from is a new caller's number; a callback dials the booked one")
