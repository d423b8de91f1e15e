"""Reminders 24 h and 1 h before an appointment (the hours are configurable), and the
deletion of the official's contact details a day after it.

A reminder is queued at booking for its time and looks at the appointment when it is due: a
cancelled or moved one (its start no longer the one the reminder was made for) is skipped.
When due it queues the mail and the SMS as work of their own, keyed by the reminder, so a
retry of the reminder sends neither twice and a failing SMTP server does not hold up the SMS.
"""

from __future__ import annotations

from datetime import datetime

from hotline.appointments.models import Appointment, AppointmentState
from hotline.appointments.notices import FORGET, REMINDER
from hotline.outbox.kinds import Done, WorkKind, WorkTools
from hotline.outbox.queue import ClaimedWork
from scheduling.unit import Units


def do_remind(item: ClaimedWork, tools: WorkTools) -> Done:
    payload = item.payload
    with Units.of_tools(tools).transaction() as unit:
        appointment = unit.session.get(Appointment, int(payload["appointment_id"]))
        if appointment is None or appointment.state != AppointmentState.BOOKED:
            return Done("skipped: canceled")
        if appointment.start != datetime.fromisoformat(payload["start"]):
            return Done("skipped: moved")
        unit.notices.reminder(appointment, int(payload["hours"]))
    return Done("queued")


def do_forget(item: ClaimedWork, tools: WorkTools) -> Done:
    """Contact details are kept only while needed: gone a day after the appointment (unless
    it was moved to later; its new end has its own deletion queued)."""
    with tools.database.transaction() as session:
        appointment = session.get(Appointment, int(item.payload["appointment_id"]))
        if appointment is None:
            return Done("gone")
        moved_later = appointment.end > datetime.fromisoformat(item.payload["end"])
        if appointment.state == AppointmentState.BOOKED and moved_later:
            return Done("skipped: moved")
        appointment.forget_contact()
    return Done("forgotten")


APPOINTMENT_WORK = (WorkKind(REMINDER, do_remind), WorkKind(FORGET, do_forget))
