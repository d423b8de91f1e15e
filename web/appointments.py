"""The appointments desk for a web request: the app's services, its clock and settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.appointments.links import links_from_settings
from hotline.appointments.notices import Notices
from hotline.services import services
from scheduling.appointments.desk import AppointmentDesk
from scheduling.callbacks.desk import CallbackDesk
from web.context import listing_cache, scheduling


def appointment_desk(session: Session) -> AppointmentDesk:
    svc = services()
    return AppointmentDesk(
        session,
        svc.clock.now(),
        svc.cipher,
        scheduling(),
        links_from_settings(svc.settings),
        listing_cache=listing_cache(),
    )


def callback_desk(session: Session) -> CallbackDesk:
    svc = services()
    return CallbackDesk(session, svc.clock.now(), svc.cipher, scheduling())


def notices(session: Session) -> Notices:
    svc = services()
    return Notices(
        session,
        svc.clock.now(),
        svc.cipher,
        scheduling(),
        links_from_settings(svc.settings),
    )
