"""What an appointment's booking, move or cancellation sends, written as work rows.

Mails go to the official (if they gave an address) and to the counsellor (if one is on file),
each with the invitation as a calendar part whose `method` equals the file's METHOD. Each side
gets its own copy, and neither copy holds the other side's address: the hotline (`MAIL_FROM`)
organises, the official sees the counsellor only by display name, the counsellor sees the case
reference only (counsellors face the same haters as callers; the official's contact details are
opened through the audited console, not a mailbox). Every
row is keyed by the appointment, its SEQUENCE and the recipient, so a retried request queues
nothing twice. Reminders are queued for their time and look again when they are due
(`scheduling.appointments.reminders`): a moved or cancelled appointment reminds nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache
from typing import Literal

import jinja2
from sqlalchemy.orm import Session

from hotline.appointments import calendar
from hotline.appointments.links import AppointmentLinks
from hotline.appointments.models import Appointment, BookedVia
from hotline.calendar_names import long_date_time, short_date_time
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.outbox import queue, side_effects
from hotline.outbox.queue import Work
from hotline.plurals import counted
from hotline.sections_config import SchedulingConfig
from hotline.telephony.phone_numbers import mask
from hotline.texts import text

Kind = Literal["booked", "moved", "canceled", "reminder", "email_added"]
Method = Literal["REQUEST", "CANCEL"]
REMINDER = "appointment_reminder"
FORGET = "appointment_forget"
KEPT_AFTER_THE_END = timedelta(days=1)  # contact details, for a late question about the day
SERVICE_NAME = "starke Stelle"


@cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("hotline.appointments", "mails"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["counted"] = counted  # "45 Minuten", as on every page and in the CLI
    return environment


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def reminder_work(appointment: Appointment, hours: int) -> Work:
    """Due `hours` before the start; keyed by the start, so a move queues new ones."""
    stamp = f"{appointment.start:%Y%m%dT%H%M}"
    return Work(
        REMINDER,
        f"appointment:{appointment.id}:reminder:{hours}h:{stamp}",
        appointment.start - timedelta(hours=hours),
        {"appointment_id": appointment.id, "hours": hours, "start": appointment.start.isoformat()},
        case_id=appointment.case_id,
    )


def forget_work(appointment: Appointment) -> Work:
    """Deletes the official's name, address and number a day after the end."""
    return Work(
        FORGET,
        f"appointment:{appointment.id}:forget:{appointment.end:%Y%m%dT%H%M}",
        appointment.end + KEPT_AFTER_THE_END,
        {"appointment_id": appointment.id, "end": appointment.end.isoformat()},
        case_id=appointment.case_id,
    )


class Notices:
    def __init__(
        self,
        session: Session,
        now: datetime,
        cipher: DataCipher,
        scheduling: SchedulingConfig,
        links: AppointmentLinks,
    ) -> None:
        self.session = session
        self.now = now
        self.cipher = cipher
        self.scheduling = scheduling
        self.links = links
        self.tz = scheduling.hours.timezone

    def booked(self, appointment: Appointment) -> None:
        """The confirmation: mails, and an SMS to a mobile number for a phone appointment
        (its number is the official's way to us) or a video one booked on the phone."""
        self._mail_both(appointment, "booked", "REQUEST")
        if appointment.by_phone or appointment.booked_via == BookedVia.PHONE:
            self._sms(appointment, "booked")
        self._queue_reminders(appointment)

    def moved(self, appointment: Appointment, previous_counsellor: int) -> None:
        self._mail_both(appointment, "moved", "REQUEST")
        if previous_counsellor != appointment.counsellor_id:
            self._mail_counsellor(appointment, previous_counsellor, "canceled", "CANCEL")
        if appointment.by_phone:  # we call at the new time: the number's owner hears of it
            self._sms(appointment, "moved")
        self._queue_reminders(appointment)

    def canceled(self, appointment: Appointment, *, by_sms: bool = True) -> None:
        self._mail_both(appointment, "canceled", "CANCEL")
        if appointment.by_phone and by_sms:
            self._sms(appointment, "canceled")

    def email_added(self, appointment: Appointment) -> None:
        self._mail_official(appointment, "email_added", "REQUEST")

    def reminder(self, appointment: Appointment, hours: int) -> None:
        """Called by the reminder when it is due: a mail, and an SMS to a mobile number."""
        tag = f"reminder-{hours}h-{appointment.start:%Y%m%dT%H%M}"
        if appointment.email_encrypted:
            self._queue_mail(
                appointment, "official", tag, self._official_mail(appointment, "reminder")
            )
        self._sms(appointment, "reminder", tag=tag)

    # --- mails ----------------------------------------------------------------------------
    def _mail_both(self, appointment: Appointment, kind: Kind, method: Method) -> None:
        self._mail_official(appointment, kind, method)
        self._mail_counsellor(appointment, appointment.counsellor_id, kind, method)

    def _mail_official(self, appointment: Appointment, kind: Kind, method: Method) -> None:
        if not appointment.email_encrypted:
            return
        mail = self._official_mail(appointment, kind)
        ics = self._ics(appointment, method, for_counsellor=False)
        self._queue_mail(appointment, "official", f"seq-{appointment.sequence}", mail, method, ics)

    def _mail_counsellor(
        self, appointment: Appointment, counsellor_id: int, kind: Kind, method: Method
    ) -> None:
        counsellor = self.session.get_one(Counsellor, counsellor_id)
        if not counsellor.email_encrypted:
            return
        mail = self._render(
            appointment,
            kind,
            for_counsellor=True,
            name=counsellor.shown_name,
            counsellor=counsellor,
        )
        ics = self._ics(appointment, method, for_counsellor=True, counsellor=counsellor)
        tag = f"seq-{appointment.sequence}-counsellor-{counsellor_id}"
        self._queue_mail(appointment, "counsellor", tag, mail, method, ics, to=counsellor)

    def _official_name(self, appointment: Appointment) -> str:
        """As they gave it (a pseudonym is fine); empty once the contact is forgotten."""
        token = appointment.name_encrypted
        return self.cipher.decrypt(token) if token else ""

    def _official_mail(self, appointment: Appointment, kind: Kind) -> Mail:
        name = self._official_name(appointment)
        return self._render(appointment, kind, for_counsellor=False, name=name)

    def _queue_mail(
        self,
        appointment: Appointment,
        role: str,
        tag: str,
        mail: Mail,
        method: Method | None = None,
        ics: str | None = None,
        *,
        to: Counsellor | None = None,
    ) -> None:
        if to is None:
            address = self.cipher.decrypt(appointment.email_encrypted or b"")
        else:
            address = self.cipher.decrypt(to.email_encrypted or b"")
        work = side_effects.send_mail(
            f"appointment:{appointment.id}:{tag}:{role}",
            to=[address],
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            calendar=(method, ics) if method and ics else None,
            due_at=self.now,
            case_id=appointment.case_id,
        )
        queue.enqueue(self.session, self.cipher, self.now, work)

    def _render(
        self,
        appointment: Appointment,
        kind: Kind,
        *,
        for_counsellor: bool,
        name: str,
        counsellor: Counsellor | None = None,
    ) -> Mail:
        values = self._values(
            appointment, for_counsellor=for_counsellor, name=name, counsellor=counsellor
        )
        templates = _templates()
        subject = templates.get_template("subject.txt").render(kind=kind, **values).strip()
        return Mail(
            subject=subject,
            text=templates.get_template("appointment.txt").render(kind=kind, **values),
            html=templates.get_template("appointment.html").render(kind=kind, **values),
        )

    def _values(
        self,
        appointment: Appointment,
        *,
        for_counsellor: bool,
        name: str,
        counsellor: Counsellor | None = None,
    ) -> dict:
        """What the templates may say. `name` is the recipient's own; `counsellor` is the
        counsellor's display name only (never their full name or address)."""
        reference = self.session.get_one(Case, appointment.case_id).reference
        token = self.cipher.decrypt(appointment.token_encrypted)
        counsellor = counsellor or self.session.get_one(Counsellor, appointment.counsellor_id)
        return {
            "name": name,
            "for_counsellor": for_counsellor,
            "counsellor": counsellor.shown_name,
            "when": long_date_time(appointment.start, self.tz),
            "when_short": short_date_time(appointment.start, self.tz),
            "minutes": self.scheduling.appointments.slot_minutes,
            "phone_appointment": appointment.by_phone,
            "video_url": self.links.video_url(appointment.room) if appointment.room else None,
            # the official's own number, masked (the counsellor's copy never names it)
            "number": self._masked_number(appointment) if not for_counsellor else None,
            "case_reference": display_case_reference(reference),
            "manage_url": self.links.manage_url(token),
            "ics_url": self.links.ics_url(token),
            "contact_email": self.links.contact_email,
            "service": SERVICE_NAME,
        }

    def _masked_number(self, appointment: Appointment) -> str | None:
        token = appointment.phone_encrypted
        number = self.cipher.decrypt_or_none(token) if token else None
        return mask(number) if number else None

    # --- the calendar part ----------------------------------------------------------------
    def _ics(
        self,
        appointment: Appointment,
        method: Method,
        *,
        for_counsellor: bool,
        counsellor: Counsellor | None = None,
    ) -> str:
        invitation = self.invitation(
            appointment, for_counsellor=for_counsellor, counsellor=counsellor
        )
        build = calendar.request_ics if method == "REQUEST" else calendar.cancel_ics
        return build(invitation, self.tz)

    def invitation(
        self,
        appointment: Appointment,
        *,
        for_counsellor: bool = False,
        counsellor: Counsellor | None = None,
    ) -> calendar.Invitation:
        """The calendar entry as the official (or the counsellor) gets it; the `.ics` link
        serves the official's.

        Each copy invites only its recipient (the ATTENDEE with RSVP that lets their client
        accept it); the organizer is the hotline's own address. So the official's copy names
        the counsellor only by display name, in its text, and the counsellor's copy names the
        case, not the official. Without the recipient's address the copy has no attendee (the
        `.ics` link then serves it as METHOD:PUBLISH)."""
        counsellor = counsellor or self.session.get_one(Counsellor, appointment.counsellor_id)
        if for_counsellor:
            name, address = counsellor.shown_name, counsellor.email_encrypted
        else:
            name, address = self._official_name(appointment), appointment.email_encrypted
        values = self._values(
            appointment, for_counsellor=for_counsellor, name=name, counsellor=counsellor
        )
        attendees = []
        if address:
            guest = name or text("appointments.guest")
            attendees.append(calendar.Attendee(guest, self.cipher.decrypt(address)))
        description = _templates().get_template("calendar.txt").render(**values).strip()
        return calendar.Invitation(
            uid=appointment.uid,
            sequence=appointment.sequence,
            start=appointment.start,
            end=appointment.end,
            summary=_templates().get_template("summary.txt").render(**values).strip(),
            description=description,
            video_url=values["video_url"],
            organizer=_organizer(self.links.mail_from),
            attendees=attendees,
            stamp=self.now,
            alarm_minutes=self.scheduling.appointments.alarm_minutes,
        )

    # --- SMS and reminders ----------------------------------------------------------------
    def _sms(self, appointment: Appointment, kind: Kind, *, tag: str | None = None) -> None:
        if not (appointment.phone_encrypted and appointment.phone_is_mobile):
            return
        values = self._values(appointment, for_counsellor=False, name="")
        lang = appointment.language  # an official who booked in English reads English
        values["when_short"] = short_date_time(appointment.start, self.tz, lang)
        sms = "sms.txt" if lang == "de" else f"sms_{lang}.txt"
        body = _templates().get_template(sms).render(kind=kind, **values).strip()
        work = side_effects.send_sms(
            f"appointment:{appointment.id}:{tag or f'seq-{appointment.sequence}'}:sms",
            to=self.cipher.decrypt(appointment.phone_encrypted),
            body=body,
            due_at=self.now,
            case_id=appointment.case_id,
        )
        queue.enqueue(self.session, self.cipher, self.now, work)

    def _queue_reminders(self, appointment: Appointment) -> None:
        queue.enqueue(self.session, self.cipher, self.now, forget_work(appointment))
        for hours in self.scheduling.appointments.reminder_hours:
            work = reminder_work(appointment, hours)
            if work.due_at > self.now:
                queue.enqueue(self.session, self.cipher, self.now, work)


def _organizer(sender: str) -> calendar.Attendee:
    """`MAIL_FROM` ("starke Stelle <termine@…>"): its display name as CN, its address."""
    shown, address = parseaddr(sender)
    return calendar.Attendee(shown or SERVICE_NAME, address or sender)
