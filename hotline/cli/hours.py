"""`hotline hours`: is the line open, why not, when next — and manual overrides."""

from __future__ import annotations

from datetime import datetime

import click

from hotline.calendar_names import WEEKDAYS
from hotline.cli.support import cli_context, cli_services, parse_when
from hotline.inputs import Refused, checked_text, local_moment
from ivr_flows.speech import spoken_weekly_hours
from scheduling.hours.opening_hours import ClosedReason, HoursStatus
from scheduling.hours.overrides import (
    OverrideTooFarAhead,
    clear_overrides,
    latest_override_end,
    opening_hours_at,
    set_override,
)

OVERRIDE_BOUND = (
    "Bitte ein Ende als Datum und Uhrzeit angeben (z. B. 2026-12-24 10:00), höchstens ein "
    "Jahr im Voraus: spätestens {latest}."
)
REASON_RULE = "Grund: bitte ohne Steuerzeichen (Nullbyte, Zeilenumbruch, Tab …)."
REASONS = {
    ClosedReason.OVERRIDE: "manuell geschlossen",
    ClosedReason.HOLIDAY: "Feiertag",
    ClosedReason.CLOSURE: "Schließtag",
    ClosedReason.WEEKEND: "Wochenende",
    ClosedReason.OUTSIDE_HOURS: "außerhalb der Sprechzeiten",
}


def local_label(at: datetime, tz: object) -> str:
    local = at.astimezone(tz)  # type: ignore[arg-type]
    return f"{WEEKDAYS['de'][local.weekday()]}, {local:%d.%m.%Y, %H:%M} Uhr"


def describe_status(status: HoursStatus, tz: object) -> list[str]:
    lines = [f"Zeitpunkt:      {local_label(status.at, tz)} ({tz})"]
    if status.is_open:
        until = f" bis {local_label(status.closes_at, tz)}" if status.closes_at else ""
        return [*lines, f"Status:         GEÖFFNET{until}"]
    reason = REASONS.get(status.reason, "geschlossen") if status.reason else "geschlossen"
    if status.reason_name:
        reason += f": {status.reason_name}"
    lines.append(f"Status:         GESCHLOSSEN ({reason})")
    if status.next_opening:
        wait = status.next_opening - status.at
        hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
        when = local_label(status.next_opening, tz)
        lines.append(f"Nächste Öffnung: {when} (in {hours} Std. {minutes} Min.)")
    else:
        lines.append("Nächste Öffnung: keine in den nächsten 12 Monaten")
    return lines


@click.group(invoke_without_command=True, help="Open or closed at a time, why, and when next.")
@click.option("--at", "at_text", metavar="DATETIME", help="e.g. '2026-12-24 10:00' (Berlin time).")
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
    click.echo(f"Sprechzeiten:   {spoken_weekly_hours(config, 'de')} (Feiertage: {region})")


@hours.command(
    "set",
    help="Override the hours until a time at most a year ahead: 'closed' (e.g. team day) or "
    "'open'.",
)
@click.argument("state", type=click.Choice(["closed", "open"]))
@click.option("--until", "until_text", required=True, metavar="DATETIME")
@click.option("--reason", required=True, help="Spoken to callers when closed, e.g. 'Teamtag'.")
def hours_set(state: str, until_text: str, reason: str) -> None:
    try:
        reason = checked_text(reason)
    except Refused:
        raise click.BadParameter(REASON_RULE, param_hint="--reason") from None
    if not reason:
        raise click.BadParameter(
            "callers hear the reason: give one, e.g. 'Teamsitzung'", param_hint="--reason"
        )
    svc, scheduling = cli_context()
    now, tz = svc.clock.now(), scheduling.hours.timezone
    too_far = OVERRIDE_BOUND.format(latest=local_label(latest_override_end(now), tz))
    try:
        until = local_moment(until_text, tz)
        with svc.database.transaction() as session:
            set_override(session, is_open=state == "open", until=until, reason=reason, now=now)
    except (Refused, OverrideTooFarAhead):
        raise click.BadParameter(too_far, param_hint="--until") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--until") from None
    label = "geöffnet" if state == "open" else "geschlossen"
    click.echo(f"Ab sofort {label} bis {local_label(until, scheduling.hours.timezone)} ({reason})")


@hours.command("clear", help="End every manual override now; the weekly hours apply again.")
def hours_clear() -> None:
    svc = cli_services()
    with svc.database.transaction() as session:
        cleared = clear_overrides(session, svc.clock.now())
    click.echo(f"{cleared} Übersteuerung(en) beendet; es gelten wieder die regulären Sprechzeiten")
