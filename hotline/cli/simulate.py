"""`hotline simulate`: a phone call in the terminal against the app, signed as Twilio signs.

It runs the app in-process on a database of its own (`simulation_database`: a fresh SQLite
file with the service's set-up copied in, never the configured database), with the clock set
by --at, and plays the TwiML exactly as Twilio would. --keys makes it non-interactive (one
token per prompt). In-process the counsellors' side is played too: the scheduler's due work
runs between the caller's wait rounds, its calls ring simulated counsellors (--counsellor),
and the clock moves with the simulated call so that work due later becomes due. The only work
in that database is what the simulated call causes.

`--callback ID` plays a callback the last simulated call booked, on the same database: the
scheduler's due work places it, and the person at the terminal (or --keys) is the counsellor
whose phone rings; the caller's side is how the dialled caller answers (--callee).

With --url the call goes to a running service instead: a real call for that service, which
keeps, counts and works on it as on any other.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from flask import Flask
from sqlalchemy import select

from hotline import migrate
from hotline.app import scheduling_config
from hotline.callbacks.models import OPEN_CALLBACK_STATES, Callback
from hotline.cases.references import display_case_reference
from hotline.cli import simulation_database
from hotline.cli.simulate_callback import CALLEE_OUTCOMES, play_callback
from hotline.cli.simulation import TEXTS, in_process_dispatcher, scripted_caller
from hotline.cli.simulation_scene import Scene
from hotline.cli.support import ROW_ID, cli_app, parse_when
from hotline.clock import Clock, FixedClock
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
    "--busy",
    "busy_minutes",
    type=click.FloatRange(0.1, 120),
    multiple=True,
    metavar="MINUTES",
    help="A counsellor on duty is already talking with someone, for this many more minutes "
    "(repeatable: the next counsellor, by name).",
)
@click.option(
    "--ahead",
    type=click.IntRange(0, 20),
    default=0,
    help="So many callers already wait in line before you (their counsellors accept).",
)
@click.option(
    "--talk",
    "talk_minutes",
    type=click.FloatRange(0.1, 120),
    default=2.0,
    show_default=True,
    metavar="MINUTES",
    help="How long each caller ahead talks once a counsellor takes them.",
)
@click.option(
    "--url",
    metavar="URL",
    help="Call a running service (e.g. http://127.0.0.1:8000 from `make run`) instead of the "
    "app in-process: a real test call, which that service keeps, counts and works on with its "
    "own clock and scheduler. In-process, nothing reaches the configured database.",
)
@click.option(
    "--callback",
    "callback_id",
    type=ROW_ID,
    metavar="ID",
    help="Play a callback the last simulated call booked (its summary names it) as it falls "
    "due: the scheduler rings a counsellor, who is you (--keys or the terminal: 1 at the "
    "whisper starts it, after the call 1 = talked, 2 = only a mailbox), and the caller answers "
    "as --callee says.",
)
@click.option(
    "--callee",
    type=click.Choice(tuple(CALLEE_OUTCOMES)),
    help="With --callback: how the caller answers the counsellor's call. 'mailbox': a mailbox "
    "answers; answering-machine detection hangs it up unheard and the counsellor hears "
    "'Mailbox' (1: leave the neutral message). Default: asked in the terminal; 'answer' with "
    "--keys.",
)
@click.pass_context
def simulate(
    ctx: click.Context,
    at_text: str | None,
    from_number: str,
    keys: str | None,
    counsellors: tuple[str, ...],
    busy_minutes: tuple[float, ...],
    ahead: int,
    talk_minutes: float,
    url: str | None,
    callback_id: int | None,
    callee: str | None,
) -> None:
    if (url or callback_id is not None) and (busy_minutes or ahead):
        raise click.UsageError(
            "--busy and --ahead set the scene of an in-process call; a running service or a "
            "callback has its own line"
        )
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
        with simulation_database.held(svc.settings) as path:
            simulation_database.refresh_setup(svc.database, svc.cipher, path)
            with _simulation(app, svc.clock, path) as simulated:
                play_callback(simulated, callback_id, at, keys, callee)
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
        _summarise(app, player.run(call.incoming_url))
        return
    with simulation_database.held(settings) as path:
        simulation_database.create_fresh(svc.database, svc.cipher, path)
        clock = FixedClock(at or svc.clock.now())
        with _simulation(app, clock, path) as simulated:
            others = Others(busy_minutes, ahead, talk_minutes)
            transcript = _play_in_process(
                simulated, clock, call, counsellors or ("accept",), others
            )
            _summarise(simulated, transcript, path)


def _caller(keys: str | None) -> Caller:
    """A script with --keys (silent once it is used up), else the person at the terminal."""
    if keys is not None:
        return scripted_caller(keys)
    click.echo(TEXTS["caller_intro"])
    return InteractiveCaller()


@dataclass(frozen=True)
class Call:
    """The caller's side, the same in-process and against a running service."""

    caller: Caller
    options: dict[str, Any]  # CallPlayer's keyword arguments
    incoming_url: str


@contextmanager
def _simulation(app: Flask, clock: Clock, path: Path) -> Iterator[Flask]:
    """The app on the simulation's database (`simulation_database`), closed afterwards."""
    simulated = simulation_database.simulation_app(services(app).settings, clock, path)
    try:
        yield simulated
    finally:
        services(simulated).database.dispose()


@dataclass(frozen=True)
class Others:
    """Who else is on the line (`--busy`, `--ahead`, `--talk`)."""

    busy_minutes: Sequence[float] = ()
    ahead: int = 0
    talk_minutes: float = 2.0


def _play_in_process(
    app: Flask, clock: FixedClock, call: Call, counsellors: Sequence[str], others: Others
) -> Transcript:
    """The app, its scheduler's due work and the counsellors' phones, on the app's clock,
    which moves only with the simulated call; others on the line as `others` says."""
    svc = services(app)
    transport = FlaskClientTransport(
        app.test_client(), svc.settings.twilio_auth_token, svc.settings.public_base_url
    )
    try:
        scene = Scene.set_up(
            app,
            clock.now,
            transport,
            click.echo,
            busy_minutes=others.busy_minutes,
            ahead=others.ahead,
            talk_minutes=others.talk_minutes,
        )
    except ValueError as error:
        raise click.UsageError(f"--busy: {error}") from None
    switchboard = Switchboard(
        transport,
        counsellors,
        for_others=scene.takes_a_caller_ahead,
        others_queue=scene.is_ahead,
    )
    dispatcher = in_process_dispatcher(app, switchboard)
    try:
        player = CallPlayer(
            transport,
            call.caller,
            clock=clock.now,
            advance_clock=clock.advance,
            switchboard=switchboard,
            dispatch=scene.around(dispatcher.dispatch_due),
            **call.options,
        )
        return player.run(call.incoming_url)
    finally:
        dispatcher.close()


def _refuse_unusable(app: Flask) -> None:
    svc = services(app)
    if svc.settings.is_production:
        raise click.ClickException(
            "hotline simulate copies the service's set-up to play test calls; "
            "run it with HOTLINE_ENV=development, not against production"
        )
    engine = svc.database.engine
    if migrate.current_revision(engine) != migrate.head_revision():
        raise click.ClickException("the database is not up to date: run `hotline db upgrade`")


def _name_booked_callbacks(app: Flask, transcript: Transcript) -> None:
    """The callbacks the simulated call booked, each with how to play it."""
    with services(app).database.transaction() as session:
        booked = session.scalars(
            select(Callback.id)
            .where(
                Callback.call_sid == transcript.call_sid,
                Callback.state.in_(OPEN_CALLBACK_STATES),
            )
            .order_by(Callback.id)
        ).all()
    for callback_id in booked:
        click.echo(TEXTS["booked_callback"].format(id=callback_id))


def _summarise(app: Flask, transcript: Transcript, simulation: Path | None = None) -> None:
    """The call's result; in-process also the callbacks it booked and where it was played."""
    svc = services(app)
    with svc.database.transaction() as session:
        call = find_call(session, transcript.call_sid)
        reference = call.case.reference if call and call.case else None
        outcome = call.outcome if call else None
    click.echo("")
    click.echo(
        TEXTS["call_summary"].format(
            sid=transcript.call_sid,
            outcome=outcome or TEXTS["unknown_outcome"],
            reference=display_case_reference(reference) if reference else "–",
            seconds=transcript.duration_seconds,
        )
    )
    if simulation is not None:
        _name_booked_callbacks(app, transcript)
        click.echo(TEXTS["kept_apart"].format(path=simulation))
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
