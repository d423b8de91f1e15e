"""An appointment as the console shows it: its time, counsellor, case, video room and state,
the official's address masked. Read here so the console's views only translate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.appointments.links import AppointmentLinks
from hotline.appointments.models import Appointment, AppointmentState
from hotline.cases.models import Case
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.mail.mailer import mask_address
from hotline.readable import readable
from hotline.telephony.phone_numbers import mask


class AppointmentNotFound(LookupError):
    """No appointment has this id (the console answers 404)."""


@dataclass(frozen=True)
class AppointmentFile:
    id: int
    start: datetime
    end: datetime
    counsellor: str
    case_reference: str
    state: str
    booked_via: str
    by_phone: bool  # a phone appointment: the counsellor calls; no video room
    video_url: str | None
    email_masked: str | None  # None: no address (booked by phone, or forgotten)
    phone_masked: str | None  # the number a phone appointment calls, masked
    has_phone: bool
    no_show_at: datetime | None

    @property
    def booked(self) -> bool:
        return self.state == AppointmentState.BOOKED

    def begun(self, now: datetime) -> bool:
        return self.start <= now


def appointment_file(
    session: Session, cipher: DataCipher, links: AppointmentLinks, appointment_id: int
) -> AppointmentFile:
    row = session.execute(
        select(Appointment, Counsellor.name, Case.reference)
        .join(Counsellor, Counsellor.id == Appointment.counsellor_id)
        .join(Case, Case.id == Appointment.case_id)
        .where(Appointment.id == appointment_id)
    ).one_or_none()
    if row is None:
        raise AppointmentNotFound(appointment_id)
    appointment, counsellor, reference = row
    token, phone = appointment.email_encrypted, appointment.phone_encrypted
    return AppointmentFile(
        id=appointment.id,
        start=appointment.start,
        end=appointment.end,
        counsellor=counsellor,
        case_reference=reference,
        state=appointment.state,
        booked_via=appointment.booked_via,
        by_phone=appointment.by_phone,
        video_url=links.video_url(appointment.room) if appointment.room else None,
        email_masked=readable(cipher, token, mask_address) if token else None,
        phone_masked=readable(cipher, phone, mask)
        if (phone := appointment.phone_encrypted)
        else None,
        has_phone=appointment.phone_encrypted is not None,
        no_show_at=appointment.no_show_at,
    )


def appointment_with_id(session: Session, appointment_id: int) -> Appointment:
    """The row for a change; AppointmentNotFound if there is none."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise AppointmentNotFound(appointment_id)
    return appointment
