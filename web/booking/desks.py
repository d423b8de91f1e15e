"""The appointments and callbacks desks for a web request: the operations of its unit of work."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.appointments.notices import Notices
from scheduling.appointments.desk import AppointmentDesk
from scheduling.callbacks.desk import CallbackDesk
from web.context import unit_in


def appointment_desk(session: Session) -> AppointmentDesk:
    return unit_in(session).appointments


def callback_desk(session: Session) -> CallbackDesk:
    return unit_in(session).callbacks


def notices(session: Session) -> Notices:
    return unit_in(session).notices
