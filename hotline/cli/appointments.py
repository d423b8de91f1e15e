"""`hotline appointments list|cancel|email`: video and phone appointments as operators see
them (names and addresses masked), cancelled or given an address on an official's request (for
example after a booking by phone from a landline)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.appointments.wording import KIND_NAMES, STATE_NAMES
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cli.support import DAY, ROW_ID, cli_context, cli_units, echo_table
from hotline.counsellors.models import Counsellor
from hotline.mail.addresses import checked_address
from hotline.mail.mailer import mask_address
from hotline.reports.wording import CHANNELS
from hotline.texts import text, words
from scheduling.appointments.desk import AppointmentDesk

STATES_HELP = ", ".join(f"{state} = {name}" for state, name in sorted(STATE_NAMES.items()))


@click.group(help=text("cli.appointments.help.group"))
def appointments() -> None:
    """Subcommands: list, cancel, email."""


@appointments.command("list", help=text("cli.appointments.help.list"))
@click.option("--day", type=DAY, help=text("cli.appointments.help.day"))
@click.option(
    "--state",
    type=click.Choice(sorted(STATE_NAMES)),
    help=text("cli.appointments.help.state", states=STATES_HELP),
)
def appointments_list(day: date | None, state: str | None) -> None:
    svc, scheduling = cli_context()
    tz = scheduling.hours.timezone
    query = (
        select(Appointment, Case.reference, Counsellor.name)
        .join(Case, Case.id == Appointment.case_id)
        .join(Counsellor, Counsellor.id == Appointment.counsellor_id)
        .order_by(Appointment.start)
    )
    if day is not None:
        start = datetime.combine(day, time(0), tzinfo=tz)
        query = query.where(Appointment.start >= start, Appointment.start < start + timedelta(1))
    if state is not None:
        query = query.where(Appointment.state == state)
    with svc.database.transaction() as session:
        rows = [
            (
                str(appointment.id),
                f"{appointment.start.astimezone(tz):%d.%m.%Y %H:%M}",
                display_case_reference(reference),
                KIND_NAMES.get(appointment.kind, appointment.kind),
                name,
                STATE_NAMES.get(appointment.state, appointment.state),
                CHANNELS.get(appointment.booked_via, appointment.booked_via),
                mask_address(svc.cipher.decrypt(appointment.email_encrypted))
                if appointment.email_encrypted
                else "-",
            )
            for appointment, reference, name in session.execute(query)
        ]
    if not rows:
        on_day = text("cli.appointments.on_day", day=day) if day else ""
        click.echo(text("cli.appointments.none") + on_day)
        return
    echo_table(tuple(words("cli.appointments.columns").values()), rows)


@appointments.command("cancel", help=text("cli.appointments.help.cancel"))
@click.argument("appointment_id", type=ROW_ID)
def appointments_cancel(appointment_id: int) -> None:
    with _desk_and(appointment_id) as (desk, appointment):
        if not desk.cancel(appointment, by_staff=True):
            raise click.ClickException(text("cli.appointments.already_canceled", id=appointment_id))
    click.echo(text("cli.appointments.canceled", id=appointment_id))


@appointments.command("email", help=text("cli.appointments.help.email"))
@click.argument("appointment_id", type=ROW_ID)
@click.argument("address")
def appointments_email(appointment_id: int, address: str) -> None:
    try:
        email = checked_address(address)
    except ValueError:
        raise click.BadParameter(
            text("cli.appointments.invalid_address"), param_hint="ADDRESS"
        ) from None
    with _desk_and(appointment_id) as (desk, appointment):
        if appointment.state != AppointmentState.BOOKED:
            raise click.ClickException(text("cli.appointments.is_canceled", id=appointment_id))
        desk.add_email(appointment, email)
    click.echo(
        text("cli.appointments.invitation_sent", id=appointment_id, address=mask_address(email))
    )


@contextmanager
def _desk_and(appointment_id: int) -> Iterator[tuple[AppointmentDesk, Appointment]]:
    """The desk and one appointment, in one transaction (ClickException if unknown)."""
    with cli_units().transaction() as unit:
        desk = unit.appointments
        appointment = unit.session.get(Appointment, appointment_id)
        if appointment is None:
            raise click.ClickException(text("cli.appointments.not_found", id=appointment_id))
        yield desk, appointment
