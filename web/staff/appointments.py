"""*Termine*: the week's appointments, and one appointment's page where counsellors and admins
cancel it, move it to a free time, add or change the official's address and mark that
nobody came. The work is the appointment desk's (mails and calendar updates go out as when
the official changes it); the views translate and audit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.appointments.console import (
    AppointmentNotFound,
    appointment_file,
    appointment_with_id,
)
from hotline.appointments.models import Appointment, AppointmentState
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.cases.today import AppointmentLine, appointment_lines
from hotline.inputs import Refused, aware_moment, calendar_day
from hotline.mail.addresses import checked_address
from hotline.reports.local_days import utc_bounds
from scheduling.appointments.desk import AppointmentDesk, SlotTaken
from scheduling.appointments.slots import VideoSlot
from web.context import unit_in
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import now, posted_form, reading, timezone, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_appointments", __name__)
MOVE_DAYS = 14  # the free times offered for a move


@blueprint.get("/appointments")
def appointments() -> ResponseReturnValue:
    """The week (Monday to Sunday) of `?day=`, today's by default."""
    try:
        day = calendar_day(request.args.get("day"))
    except Refused:
        day = now().astimezone(timezone()).date()
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    start, end = utc_bounds(monday, sunday, timezone())
    with reading() as session:
        lines = appointment_lines(session, start, end, booked_only=False)
    days: dict[date, list[AppointmentLine]] = {monday + timedelta(days=n): [] for n in range(7)}
    for line in lines:
        days[line.start.astimezone(timezone()).date()].append(line)
    return render_template(
        "staff/appointments.html",
        days=days,
        monday=monday,
        sunday=sunday,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
    )


@blueprint.get("/appointments/<id:appointment_id>")
def appointment(appointment_id: int) -> ResponseReturnValue:
    with transaction() as session:
        unit = unit_in(session)
        try:
            shown = appointment_file(session, unit.cipher, unit.units.links, appointment_id)
        except AppointmentNotFound:
            abort(404)
        free = _free_times(unit.appointments) if shown.booked else []
    return render_template("staff/appointment.html", ap=shown, free=free, begun=shown.begun(now()))


@blueprint.post("/appointments/<id:appointment_id>/cancel")
def cancel(appointment_id: int) -> ResponseReturnValue:
    return _change(appointment_id, "cancel")


@blueprint.post("/appointments/<id:appointment_id>/move")
def move(appointment_id: int) -> ResponseReturnValue:
    return _change(appointment_id, "move")


@blueprint.post("/appointments/<id:appointment_id>/email")
def email(appointment_id: int) -> ResponseReturnValue:
    return _change(appointment_id, "email")


@blueprint.post("/appointments/<id:appointment_id>/no-show")
def no_show(appointment_id: int) -> ResponseReturnValue:
    return _change(appointment_id, "no_show")


def _change(appointment_id: int, what: str) -> ResponseReturnValue:
    page = url_for("staff_appointments.appointment", appointment_id=appointment_id)
    if not posted_form():
        return redirect(page)
    try:
        start = aware_moment(request.form.get("start")) if what == "move" else None
        address = checked_address(request.form.get("email", "")) if what == "email" else None
    except Refused:
        flash(TEXTS["appointment_time_invalid"], "error")
        return redirect(page)
    except ValueError:
        flash(TEXTS["appointment_email_invalid"], "error")
        return redirect(page)
    user = current_user()
    try:
        with transaction() as session:
            desk = unit_in(session, actor=user.id).appointments
            try:
                appointment = appointment_with_id(session, appointment_id)
            except AppointmentNotFound:
                abort(404)
            message = _apply(desk, appointment, what, start, address)
            if message is not None:
                record(
                    session,
                    now(),
                    user.id,
                    AuditAction.CHANGED,
                    case_id=appointment.case_id,
                    message=message,
                    params={"id": appointment_id},
                )
    except SlotTaken:  # a move to a time taken meanwhile (or inside the notice)
        flash(TEXTS["appointment_slot_taken"], "error")
        return redirect(page)
    if message is None:
        flash(TEXTS["appointment_not_changed"], "error")
    else:
        flash(TEXTS[_DONE[what]])
    return redirect(page)


_DONE = {
    "cancel": "appointment_canceled",
    "move": "appointment_moved",
    "email": "appointment_email_saved",
    "no_show": "appointment_no_show",
}


def _apply(
    desk: AppointmentDesk,
    appointment: Appointment,
    what: str,
    start: datetime | None,
    address: str | None,
) -> AuditMessage | None:
    """What the desk does for `what`: the audit message of the change, None if nothing
    changed (cancelled already, not begun yet, marked already)."""
    if what == "no_show":
        return AuditMessage.APPOINTMENT_NO_SHOW if desk.mark_no_show(appointment) else None
    if appointment.state != AppointmentState.BOOKED:
        return None
    if what == "cancel":
        return (
            AuditMessage.APPOINTMENT_CANCELED if desk.cancel(appointment, by_staff=True) else None
        )
    if what == "move":
        assert start is not None  # read before the transaction
        desk.move(appointment, start, by_staff=True)
        return AuditMessage.APPOINTMENT_MOVED
    assert address is not None
    desk.add_email(appointment, address)
    return AuditMessage.APPOINTMENT_EMAIL


def _free_times(desk: AppointmentDesk) -> list[VideoSlot]:
    """The free times of the next two weeks, for a move."""
    first_day = desk.now.astimezone(desk.tz).date()
    return desk.free_slots(first_day, MOVE_DAYS)
