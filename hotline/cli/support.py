"""What every `hotline` subcommand needs: the app from the environment, with friendly errors."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import click
from flask import Flask

from hotline.app import create_app, scheduling_config, units_of
from hotline.clock import Clock
from hotline.config import ConfigError
from hotline.crypto import DataCipher
from hotline.db import Role
from hotline.inputs import FIRST_YEAR, LARGEST_ID, LAST_YEAR, Refused, calendar_day, local_moment
from hotline.sections_config import SchedulingConfig
from hotline.services import Services, services
from hotline.telephony.phone_numbers import mask
from hotline.texts import text
from scheduling.unit import Units


def cli_app(
    clock: Clock | None = None, *, role: Role = Role.CLI, log_level: str = "WARNING"
) -> Flask:
    """The app as the commands use it: the CLI's database limits, quiet service logs."""
    try:
        # commands print their results; the service's logs only when asked for (LOG_LEVEL)
        return create_app(
            clock=clock,
            log_level=os.environ.get("LOG_LEVEL") or log_level,
            database_role=role,
        )
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def cli_services() -> Services:
    return services(cli_app())


def cli_units() -> Units:
    """The factory of units of work, for commands that change something in one transaction."""
    return units_of(cli_app())


def cli_context() -> tuple[Services, SchedulingConfig]:
    """The core services and the time settings, for commands that need both."""
    app = cli_app()
    return services(app), scheduling_config(app)


class _Day(click.ParamType):
    """A --day option: YYYY-MM-DD in the years the service works with (`hotline.inputs`)."""

    name = "day"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return calendar_day(value)
        except Refused:
            self.fail(
                text("cli.not_a_day", value=value, first=FIRST_YEAR, last=LAST_YEAR), param, ctx
            )


DAY = _Day()
ROW_ID = click.IntRange(1, LARGEST_ID)  # an id as the listings show it; larger ones exist not


def masked_number(cipher: DataCipher, token: bytes, *, unreadable: str) -> str:
    """A stored number as operators may see it ("+49151••••••89"); one stored under a key no
    longer configured is shown as `unreadable`, so that a listing still shows every row."""
    value = cipher.decrypt_or_none(token)
    return unreadable if value is None else mask(value)


def parse_when(text: str | None, tz: tzinfo) -> datetime | None:
    """A --at/--until value: ISO date and time, local to the hotline's zone unless an offset
    is given, in the years `hotline.inputs` takes."""
    if text is None:
        return None
    try:
        return local_moment(text, tz)
    except Refused as error:
        raise click.BadParameter(str(error)) from None


def echo_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns as wide as their widest cell, two spaces apart."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
