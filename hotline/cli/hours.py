"""`hotline hours`: is the line open, why not, when next, what callers hear — and the
overrides (Ausnahmen), with the console's words: an internal note that callers never hear and,
for a closed line, an optional announcement that they do."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import click

from hotline.calendar_names import WEEKDAYS
from hotline.cli.support import cli_context, echo_table, parse_when
from hotline.inputs import Refused, checked_text, local_moment
from hotline.plurals import counted
from ivr_flows.out_of_hours import why_closed_and_when
from ivr_flows.speech import spoken_weekly_hours
from scheduling.hours.opening_hours import ClosedReason, HoursStatus
from scheduling.hours.overrides import (
    RECENT_DAYS,
    TEXT_LENGTH,
    InvalidOverrideText,
    OverrideTooFarAhead,
    clear_overrides,
    latest_override_end,
    opening_hours_at,
    recent_overrides,
    set_override,
)

OVERRIDE_BOUND = (
    "Bitte ein Ende als Datum und Uhrzeit angeben (z. B. 2026-12-24 10:00), höchstens ein "
    "Jahr im Voraus: spätestens {latest}."
)
IN_THE_PAST = "Das Ende muss in der Zukunft liegen."
CONTROL_CHARACTERS = "Bitte ohne Steuerzeichen (Nullbyte, Zeilenumbruch, Tab …)."
TEXT_PROBLEMS = {
    ("note", "missing"): (
        "Bitte eine interne Notiz angeben (wofür die Ausnahme gilt; Anrufende hören sie nie), "
        "z. B. --note Teamsitzung."
    ),
    ("note", "too_long"): "Die Notiz hat höchstens {most} Zeichen.",
    ("announcement", "too_long"): "Die Ansage hat höchstens {most} Zeichen.",
    ("announcement", "while_open"): (
        "Eine Ansage gibt es nur bei geschlossener Leitung; bei geöffneter werden Anrufende "
        "verbunden."
    ),
}
REASON_REPLACED = (
    "--reason gibt es nicht mehr, weil unklar war, ob Anrufende ihn hören: --note TEXT ist "
    "die interne Notiz (Anrufende hören sie nie), --announcement TEXT die Ansage, die "
    "Anrufende hören (freiwillig, nur bei geschlossener Leitung)."
)
REASONS = {
    ClosedReason.OVERRIDE: "Ausnahme",
    ClosedReason.HOLIDAY: "Feiertag",
    ClosedReason.CLOSURE: "Schließtag",
    ClosedReason.WEEKEND: "Wochenende",
    ClosedReason.OUTSIDE_HOURS: "außerhalb der Öffnungszeiten",
}
STATES = {"closed": "geschlossen", "open": "geöffnet"}
LABEL_WIDTH = 17  # "Nächste Öffnung: "


def local_label(at: datetime, tz: object) -> str:
    local = at.astimezone(tz)  # type: ignore[arg-type]
    return f"{WEEKDAYS['de'][local.weekday()]}, {local:%d.%m.%Y, %H:%M} Uhr"


def _line(label: str, text: str) -> str:
    return f"{label + ':':<{LABEL_WIDTH}}{text}"


def _hours_and_minutes(wait: timedelta) -> str:
    hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
    return f"{hours} Std. {minutes} Min."


def _heard(status: HoursStatus, tz: tzinfo) -> str:
    """What a caller hears first at `status.at` (German), as the phone line says it."""
    return "„" + " ".join(why_closed_and_when(status, status.at, "de", tz=tz)) + "“"


def describe_status(status: HoursStatus, tz: tzinfo) -> list[str]:
    lines = [_line("Zeitpunkt", f"{local_label(status.at, tz)} ({tz})")]
    if status.is_open:
        until = f" bis {local_label(status.closes_at, tz)}" if status.closes_at else ""
        return [*lines, _line("Status", f"GEÖFFNET{until}")]
    reason = REASONS.get(status.reason, "geschlossen") if status.reason else "geschlossen"
    name = status.override_note if status.reason is ClosedReason.OVERRIDE else status.reason_name
    if name:
        reason += f": {name}"
    lines.append(_line("Status", f"GESCHLOSSEN ({reason})"))
    lines.append(_line("Anrufende hören", _heard(status, tz)))
    wait = status.until_next_opening
    if status.next_opening is not None and wait is not None:
        when = local_label(status.next_opening, tz)
        lines.append(_line("Nächste Öffnung", f"{when} (in {_hours_and_minutes(wait)})"))
    else:
        lines.append(_line("Nächste Öffnung", "keine in den nächsten 12 Monaten"))
    return lines


@click.group(
    invoke_without_command=True,
    help="Geöffnet oder geschlossen zu einem Zeitpunkt, warum, was Anrufende hören, wann wieder "
    "geöffnet ist; und die Ausnahmen (set, list, clear).",
)
@click.option(
    "--at", "at_text", metavar="DATETIME", help="z. B. '2026-12-24 10:00' (Berliner Zeit)."
)
@click.pass_context
def hours(ctx: click.Context, at_text: str | None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    svc, scheduling = cli_context()
    at = parse_when(at_text, scheduling.hours.timezone) or svc.clock.now()
    config = scheduling.hours
    with svc.database.transaction() as session:
        status = opening_hours_at(session, config, svc.clock.now()).status_at(at)
    for line in describe_status(status, config.timezone):
        click.echo(line)
    region = config.holiday_region or "nur bundesweite"
    hours_text = f"{spoken_weekly_hours(config, 'de')} (Feiertage: {region})"
    click.echo(_line("Öffnungszeiten", hours_text))


def _typed(value: str | None, option: str) -> str:
    try:
        return checked_text(value)
    except Refused:
        raise click.BadParameter(CONTROL_CHARACTERS, param_hint=option) from None


@hours.command(
    "set",
    help="Eine Ausnahme ab jetzt bis zu einem Zeitpunkt, höchstens ein Jahr im Voraus: "
    "'closed' (geschlossen, z. B. Teamtag) oder 'open' (geöffnet); ersetzt die aktive.",
)
@click.argument("state", type=click.Choice(sorted(STATES)))
@click.option("--until", "until_text", required=True, metavar="DATETIME", help="Ende.")
@click.option(
    "--note", help="Interne Notiz für das Team, z. B. 'Teamsitzung'; Anrufende hören sie nie."
)
@click.option(
    "--announcement",
    help="Ansage für Anrufende (freiwillig, nur bei 'closed'): „Unsere Telefonberatung ist "
    "gerade nicht besetzt: <Ansage>.“",
)
@click.option("--reason", hidden=True)
def hours_set(
    state: str, until_text: str, note: str | None, announcement: str | None, reason: str | None
) -> None:
    if reason is not None:
        raise click.BadParameter(REASON_REPLACED, param_hint="--reason")
    note, announcement = _typed(note, "--note"), _typed(announcement, "--announcement")
    svc, scheduling = cli_context()
    now, tz = svc.clock.now(), scheduling.hours.timezone
    too_far = OVERRIDE_BOUND.format(latest=local_label(latest_override_end(now), tz))
    try:
        until = local_moment(until_text, tz)
        with svc.database.transaction() as session:
            entry = set_override(
                session,
                is_open=state == "open",
                until=until,
                note=note,
                announcement=announcement,
                now=now,
            )
            status = opening_hours_at(session, scheduling.hours, now).status_at(now)
    except InvalidOverrideText as refused:
        problem = TEXT_PROBLEMS[refused.field, refused.problem].format(most=TEXT_LENGTH)
        raise click.BadParameter(problem, param_hint=f"--{refused.field}") from None
    except (Refused, OverrideTooFarAhead):
        raise click.BadParameter(too_far, param_hint="--until") from None
    except ValueError:
        raise click.BadParameter(IN_THE_PAST, param_hint="--until") from None
    click.echo(f"Ausnahme eingetragen: {STATES[state]} bis {local_label(until, tz)}")
    click.echo(f"Notiz (intern): {entry.note}")
    if not entry.is_open:
        click.echo(f"Ansage: {entry.announcement or 'keine'}")
    if not status.is_open:
        click.echo(f"Anrufende hören: {_heard(status, tz)}")


@hours.command("list", help=f"Die Ausnahmen der letzten {RECENT_DAYS} Tage, neueste zuerst.")
def hours_list() -> None:
    svc, scheduling = cli_context()
    now, tz = svc.clock.now(), scheduling.hours.timezone
    with svc.database.transaction() as session:
        overrides = recent_overrides(session, now)
        rows = [
            [
                f"{o.starts_at.astimezone(tz):%d.%m.%Y %H:%M}",
                f"{o.ends_at.astimezone(tz):%d.%m.%Y %H:%M}",
                "geöffnet" if o.is_open else "geschlossen",
                "aufgehoben" if o.cleared_at else ("vorbei" if o.ends_at <= now else "aktiv"),
                o.note,
                o.announcement or "keine",
            ]
            for o in overrides
        ]
    if not rows:
        click.echo(f"Keine Ausnahmen in den letzten {RECENT_DAYS} Tagen.")
        return
    echo_table(["Von", "Bis", "Art", "Zustand", "Notiz (intern)", "Ansage"], rows)


@hours.command(
    "clear",
    help="Jede aktive Ausnahme jetzt aufheben; es gelten wieder die regulären Öffnungszeiten.",
)
def hours_clear() -> None:
    svc, _scheduling = cli_context()
    with svc.database.transaction() as session:
        cleared = clear_overrides(session, svc.clock.now())
    if not cleared:
        click.echo("Keine aktive Ausnahme; es gelten die regulären Öffnungszeiten.")
        return
    ended = counted(cleared, "Ausnahme")
    click.echo(f"{ended} aufgehoben; es gelten wieder die regulären Öffnungszeiten.")
