"""Reminders 24 h and 1 h before an appointment (the hours are configurable).

A reminder is queued at booking for its time and looks at the appointment when it is due: a
cancelled or moved one (its start no longer the one the reminder was made for) is skipped.
When due it queues the mail and the SMS as work of their own, keyed by the reminder, so a
retry of the reminder sends neither twice and a failing SMTP server does not hold up the SMS.
"""

from __future__ import annotations

from datetime import datetime

from scheduling.appointments.models import Appointment, AppointmentState
from scheduling.appointments.notices import REMINDER, Notices
from scheduling.outbox.kinds import Done, WorkKind, WorkTools
from scheduling.outbox.queue import ClaimedWork


def do_remind(item: ClaimedWork, tools: WorkTools) -> Done:
    payload = item.payload
    with tools.database.transaction() as session:
        appointment = session.get(Appointment, int(payload["appointment_id"]))
        if appointment is None or appointment.state != AppointmentState.BOOKED:
            return Done("skipped: canceled")
        if appointment.start != datetime.fromisoformat(payload["start"]):
            return Done("skipped: moved")
        notices = Notices(
            session, tools.clock.now(), tools.cipher, tools.scheduling, tools.appointment_links
        )
        notices.reminder(appointment, int(payload["hours"]))
    return Done("queued")


APPOINTMENT_WORK = (WorkKind(REMINDER, do_remind),)
