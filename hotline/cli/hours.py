"""`hotline hours`: is the line open, why not, when next, what callers hear — and the
overrides (Ausnahmen), with the console's words: an internal note that callers never hear and,
for a closed line, an optional announcement that they do."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import click

from hotline.calendar_names import WEEKDAYS
from hotline.cli.support import cli_context, echo_table, parse_when
from hotline.inputs import Refused, checked_text, local_moment
from hotline.plurals import Counted
from hotline.texts import text, words
from ivr_flows.hours.out_of_hours import why_closed_and_when
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

LABELS = words("cli.hours.labels")
LABEL_WIDTH = max(len(label) for label in LABELS.values()) + 2  # "Nächste Öffnung: "
REASONS = words("cli.hours.reasons")
STATES = words("cli.hours.states")
OVERRIDE_STATES = words("cli.hours.override_states")
COLUMNS = words("cli.hours.columns")
TEXT_PROBLEMS = words("cli.hours.text_problems")  # by "field.problem"


def local_label(at: datetime, tz: object) -> str:
    local = at.astimezone(tz)  # type: ignore[arg-type]
    return text("cli.hours.local_time", weekday=WEEKDAYS["de"][local.weekday()], at=local)


def _line(label: str, value: str) -> str:
    return f"{label + ':':<{LABEL_WIDTH}}{value}"


def _hours_and_minutes(wait: timedelta) -> str:
    hours, minutes = divmod(int(wait.total_seconds()) // 60, 60)
    return text("cli.hours.hours_and_minutes", hours=hours, minutes=minutes)


def _heard(status: HoursStatus, tz: tzinfo) -> str:
    """What a caller hears first at `status.at` (German), as the phone line says it."""
    said = " ".join(why_closed_and_when(status, status.at, "de", tz=tz))
    return text("cli.hours.heard", said=said)


def describe_status(status: HoursStatus, tz: tzinfo) -> list[str]:
    at = text("cli.hours.at_zone", at=local_label(status.at, tz), zone=tz)
    lines = [_line(LABELS["at"], at)]
    if status.is_open:
        until = (
            text("cli.hours.open_until", until=local_label(status.closes_at, tz))
            if status.closes_at
            else ""
        )
        return [*lines, _line(LABELS["status"], text("cli.hours.open", until=until))]
    reason = REASONS.get(status.reason or "unknown", REASONS["unknown"])
    name = status.override_note if status.reason is ClosedReason.OVERRIDE else status.reason_name
    if name:
        reason = text("cli.hours.closed_named", reason=reason, name=name)
    lines.append(_line(LABELS["status"], text("cli.hours.closed", reason=reason)))
    lines.append(_line(LABELS["heard"], _heard(status, tz)))
    wait = status.until_next_opening
    if status.next_opening is not None and wait is not None:
        when = local_label(status.next_opening, tz)
        next_opening = text("cli.hours.next_opening", when=when, wait=_hours_and_minutes(wait))
    else:
        next_opening = text("cli.hours.no_next_opening")
    lines.append(_line(LABELS["next_opening"], next_opening))
    return lines


@click.group(invoke_without_command=True, help=text("cli.hours.help.group"))
@click.option("--at", "at_text", metavar="DATETIME", help=text("cli.hours.help.at"))
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
    region = config.holiday_region or text("cli.hours.nationwide_holidays_only")
    hours_text = text(
        "cli.hours.weekly_hours", hours=spoken_weekly_hours(config, "de"), region=region
    )
    click.echo(_line(LABELS["hours"], hours_text))


def _typed(value: str | None, option: str) -> str:
    try:
        return checked_text(value)
    except Refused:
        raise click.BadParameter(text("cli.hours.control_characters"), param_hint=option) from None


@hours.command("set", help=text("cli.hours.help.set"))
@click.argument("state", type=click.Choice(sorted(STATES)))
@click.option(
    "--until", "until_text", required=True, metavar="DATETIME", help=text("cli.hours.help.until")
)
@click.option("--note", help=text("cli.hours.help.note"))
@click.option("--announcement", help=text("cli.hours.help.announcement"))
@click.option("--reason", hidden=True)
def hours_set(
    state: str, until_text: str, note: str | None, announcement: str | None, reason: str | None
) -> None:
    if reason is not None:
        raise click.BadParameter(text("cli.hours.reason_replaced"), param_hint="--reason")
    note, announcement = _typed(note, "--note"), _typed(announcement, "--announcement")
    svc, scheduling = cli_context()
    now, tz = svc.clock.now(), scheduling.hours.timezone
    too_far = text("cli.hours.override_bound", latest=local_label(latest_override_end(now), tz))
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
        problem = TEXT_PROBLEMS[f"{refused.field}.{refused.problem}"].format(most=TEXT_LENGTH)
        raise click.BadParameter(problem, param_hint=f"--{refused.field}") from None
    except (Refused, OverrideTooFarAhead):
        raise click.BadParameter(too_far, param_hint="--until") from None
    except ValueError:
        raise click.BadParameter(text("cli.hours.in_the_past"), param_hint="--until") from None
    until_shown = local_label(until, tz)
    click.echo(text("cli.hours.override_set", state=STATES[state], until=until_shown))
    click.echo(text("cli.hours.override_note", note=entry.note))
    if not entry.is_open:
        announcement = entry.announcement or text("cli.hours.no_announcement")
        click.echo(text("cli.hours.override_announcement", announcement=announcement))
    if not status.is_open:
        click.echo(text("cli.hours.callers_hear", heard=_heard(status, tz)))


@hours.command("list", help=text("cli.hours.help.list", days=RECENT_DAYS))
def hours_list() -> None:
    svc, scheduling = cli_context()
    now, tz = svc.clock.now(), scheduling.hours.timezone
    with svc.database.transaction() as session:
        overrides = recent_overrides(session, now)
        rows = [
            [
                f"{o.starts_at.astimezone(tz):%d.%m.%Y %H:%M}",
                f"{o.ends_at.astimezone(tz):%d.%m.%Y %H:%M}",
                STATES["open" if o.is_open else "closed"],
                OVERRIDE_STATES[_override_state(o.cleared_at, o.ends_at, now)],
                o.note,
                o.announcement or text("cli.hours.no_announcement"),
            ]
            for o in overrides
        ]
    if not rows:
        click.echo(text("cli.hours.no_recent_overrides", days=RECENT_DAYS))
        return
    echo_table(list(COLUMNS.values()), rows)


def _override_state(cleared_at: datetime | None, ends_at: datetime, now: datetime) -> str:
    if cleared_at:
        return "cleared"
    return "over" if ends_at <= now else "active"


@hours.command("clear", help=text("cli.hours.help.clear"))
def hours_clear() -> None:
    svc, _scheduling = cli_context()
    with svc.database.transaction() as session:
        cleared = clear_overrides(session, svc.clock.now())
    if not cleared:
        click.echo(text("cli.hours.no_active_override"))
        return
    click.echo(text("cli.hours.cleared", count=Counted(cleared)))
