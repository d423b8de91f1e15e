"""`hotline appointments list|cancel|email`: video appointments as operators see them (names
and addresses masked), cancelled or given an address on an official's request (for example
after a booking by phone from a landline)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.appointments.wording import STATE_NAMES
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cli.support import DAY, ROW_ID, cli_context, cli_units, echo_table
from hotline.counsellors.models import Counsellor
from hotline.mail.addresses import checked_address
from hotline.mail.mailer import mask_address
from hotline.reports.wording import CHANNELS
from scheduling.appointments.desk import AppointmentDesk

STATES_HELP = ", ".join(f"{state} = {name}" for state, name in sorted(STATE_NAMES.items()))


@click.group(help="Videotermine.")
def appointments() -> None:
    """Unterbefehle: list, cancel, email."""


@appointments.command("list", help="Videotermine in zeitlicher Folge (Adressen maskiert).")
@click.option("--day", type=DAY, help="Nur an diesem Tag (Ortszeit), z. B. 2026-11-30.")
@click.option(
    "--state",
    type=click.Choice(sorted(STATE_NAMES)),
    help=f"Nur Termine in diesem Status ({STATES_HELP}).",
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
        click.echo("keine Videotermine" + (f" am {day:%d.%m.%Y}" if day else ""))
        return
    header = ("ID", "Zeit", "Fall", "Berater:in", "Status", "Gebucht über", "E-Mail")
    echo_table(header, rows)


@appointments.command(
    "cancel", help="Einen Videotermin absagen; die Einladungen werden zurückgezogen."
)
@click.argument("appointment_id", type=ROW_ID)
def appointments_cancel(appointment_id: int) -> None:
    with _desk_and(appointment_id) as (desk, appointment):
        if not desk.cancel(appointment):
            raise click.ClickException(f"Videotermin {appointment_id} ist schon abgesagt")
    click.echo(f"Videotermin {appointment_id} abgesagt; die Absagen gehen per E-Mail hinaus")


@appointments.command(
    "email",
    help="Einem Videotermin die E-Mail-Adresse der buchenden Person geben: die Einladung folgt.",
)
@click.argument("appointment_id", type=ROW_ID)
@click.argument("address")
def appointments_email(appointment_id: int, address: str) -> None:
    try:
        email = checked_address(address)
    except ValueError:
        raise click.BadParameter("keine gültige E-Mail-Adresse", param_hint="ADDRESS") from None
    with _desk_and(appointment_id) as (desk, appointment):
        if appointment.state != AppointmentState.BOOKED:
            raise click.ClickException(f"Videotermin {appointment_id} ist abgesagt")
        desk.add_email(appointment, email)
    click.echo(f"Videotermin {appointment_id}: Einladung an {mask_address(email)} ist unterwegs")


@contextmanager
def _desk_and(appointment_id: int) -> Iterator[tuple[AppointmentDesk, Appointment]]:
    """The desk and one appointment, in one transaction (ClickException if unknown)."""
    with cli_units().transaction() as unit:
        desk = unit.appointments
        appointment = unit.session.get(Appointment, appointment_id)
        if appointment is None:
            raise click.ClickException(
                f"Kein Videotermin {appointment_id}; `hotline appointments list` zeigt alle"
            )
        yield desk, appointment
