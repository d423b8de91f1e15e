"""The appointments desk: free slots, booking, moving and cancelling video and phone
appointments, in the caller's transaction (a web request, the phone menu, a CLI command).

Booking holds the booking lock, looks at the slot again and inserts the appointment with the
counsellor chosen fairly (fewest appointments that week); the partial unique index refuses a
second booked appointment of a counsellor at one start as a last line. Of two requests for the
last place, one gets it and the other `SlotTaken`. Mails and reminders are work rows written
in the same transaction: a rolled-back booking has mailed nobody.

Both kinds take the same slots, the same counsellors' time and the same lock. A phone
appointment has no video room; its call is a callback row tied to it
(`scheduling.appointments.phone_calls`), arranged, moved and withdrawn with it here.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hotline.abuse.bookings import ContactHashes
from hotline.abuse.bursts import BurstSigns, bookings_held, hold_bookings
from hotline.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentState,
    BookedVia,
    note_booked_times_changed,
)
from hotline.appointments.notices import Notices
from hotline.callbacks.models import places_taken
from hotline.cases.event_texts import local_time
from hotline.cases.events import CaseEventKind, note_on_case
from hotline.cases.models import Case
from hotline.cases.service import case_to_book_for
from hotline.counsellors.models import Counsellor
from hotline.link_tokens import holder_of, new_link_token, token_digest
from scheduling.appointments.phone_calls import (
    NoNumberToCall,
    arrange_the_call,
    withdraw_the_call,
)
from scheduling.appointments.slots import AppointmentSlots, VideoSlot
from scheduling.availability.booking_lock import SlotTaken, hold_booking_lock
from scheduling.availability.service import Availability
from scheduling.hours.overrides import opening_hours_at

if TYPE_CHECKING:  # the unit makes the desks; they only read it
    from scheduling.unit import Unit

ROOM_BYTES = 16  # 128 bit in the video room id


@dataclass(frozen=True)
class Contact:
    """Who booked: a name (a pseudonym is fine), and how to reach them (both optional by
    phone; the web and the API ask for the e-mail address)."""

    name: str
    email: str | None = None
    phone_e164: str | None = None
    phone_is_mobile: bool = False


@dataclass(frozen=True)
class BookedAppointment:
    id: int
    token: str  # the manage link's secret: shown once, never logged
    case_reference: str
    start: datetime
    end: datetime
    kind: AppointmentKind
    video_url: str | None  # None for a phone appointment
    manage_url: str
    ics_url: str
    repeated: bool = False  # the answer to an earlier request with the same Idempotency-Key


@dataclass(frozen=True)
class RepeatableRequest:
    """An API booking with an Idempotency-Key, as keyed digests (the web layer makes them):
    `key` of the client and its key, `body` of what it asked for. A key is the client's own,
    and bound to the request it was first used with (the rule that made Stripe's keys safe)."""

    key: str
    body: str


class TooShortNotice(SlotTaken):
    """Inside the minimum notice (`[appointments] min_notice_minutes`): an official can no
    longer book this time, nor move or cancel an appointment this close, online; they call or
    write instead, and staff can still change it. A kind of SlotTaken, so that any path not
    told about notice still refuses the booking."""


class KeyUsedForAnotherRequest(ValueError):
    """The client used this Idempotency-Key before with another body: refused, and nothing
    of the first booking is told."""


class AppointmentDesk:
    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.session = unit.session
        # for free slots only; bookings read afresh
        self._listing_cache = unit.units.listing_cache
        self.now = unit.now
        self.cipher = unit.cipher
        self.scheduling = unit.config
        self.config = unit.config.appointments
        self.links = unit.units.links
        self.tz = unit.config.hours.timezone

    # --- slots ----------------------------------------------------------------------------
    def slot_finder(
        self, first_day: date, last_day: date, *, for_listing: bool = False
    ) -> AppointmentSlots:
        hours = opening_hours_at(self.session, self.scheduling.hours, self.now)
        counsellors = list(self.session.scalars(select(Counsellor.id).order_by(Counsellor.id)))
        availability = Availability.load(
            self.session,
            counsellors,
            first_day,
            self.tz,
            last_day=last_day,
            appointment_buffer=self.config.buffer,
            booked_times=self._listing_cache if for_listing else None,
        )
        since = datetime.combine(first_day, time(0), tzinfo=self.tz) - timedelta(hours=1)
        until = datetime.combine(last_day, time(0), tzinfo=self.tz) + timedelta(days=1)
        callbacks = places_taken(self.session, since, until)
        return AppointmentSlots(
            self.config, hours, availability, callbacks, self.scheduling.callbacks.slot
        )

    def free_slots(self, first_day: date, days: int) -> list[VideoSlot]:
        last_day = first_day + timedelta(days=max(days, 1) - 1)
        finder = self.slot_finder(first_day, last_day, for_listing=True)
        return finder.free_slots(self.now, first_day, days)

    def next_free_slots(self, count: int, *, from_day: date | None = None) -> list[VideoSlot]:
        """The first `count` free slots (for the phone) on `from_day` (default today) or
        later, searched a week at a time up to the horizon."""
        today = self.now.astimezone(self.tz).date()
        first_day = max(from_day or today, today)
        last_day = today + timedelta(days=self.config.horizon_days)
        found: list[VideoSlot] = []
        for week in range(0, max((last_day - first_day).days + 1, 0), 7):
            found += self.free_slots(first_day + timedelta(days=week), 7)
            if len(found) >= count:
                break
        return found[:count]

    # --- booking --------------------------------------------------------------------------
    def book(
        self,
        start: datetime,
        contact: Contact,
        *,
        via: BookedVia,
        case_reference: str | None = None,
        request: RepeatableRequest | None = None,
        kind: AppointmentKind = AppointmentKind.VIDEO,
        language: str = "de",
    ) -> BookedAppointment:
        """Book the slot at `start` for an official speaking `language` (their SMS and
        manage page speak it); SlotTaken when it is not free, UnknownCaseReference when the
        reference names no case, BookingRefused for a blocked number or too many open
        bookings of the address or number (`hotline.abuse.bookings`). A `request` seen
        before answers with that booking (`repeated`): a retry after a lost answer books
        nothing twice; the same key with another body is KeyUsedForAnotherRequest. A phone
        appointment needs the contact's number (NoNumberToCall) and is called at its time."""
        start = start.astimezone(UTC)
        if kind == AppointmentKind.PHONE and not contact.phone_e164:
            raise NoNumberToCall()
        hold_booking_lock(self.session)
        if request is not None:
            earlier = self._booked_for_request(request)
            if earlier is not None:
                return earlier
        if start < self._notice_ends:
            raise TooShortNotice()
        hashes = self._contact_hashes(contact, via)
        counsellor_id = self._fairest_free_counsellor(start)
        case = self._case(case_reference)  # after the slot: a refused booking opens no case
        token = new_link_token()
        appointment = Appointment(
            case_id=case.id,
            counsellor_id=counsellor_id,
            kind=kind,
            language=language,
            state=AppointmentState.BOOKED,
            start=start,
            end=start + self.config.length,
            name_encrypted=self.cipher.encrypt(contact.name),
            email_encrypted=self.cipher.encrypt(contact.email) if contact.email else None,
            phone_encrypted=self.cipher.encrypt(contact.phone_e164) if contact.phone_e164 else None,
            phone_is_mobile=contact.phone_is_mobile,
            email_hash=hashes.email,
            phone_hash=hashes.phone,
            token_digest=token_digest(token),
            token_encrypted=self.cipher.encrypt(token),
            request_digest=request.key if request else None,
            request_body_digest=request.body if request else None,
            room=_new_room() if kind == AppointmentKind.VIDEO else None,
            uid=f"termin-{secrets.token_hex(16)}@{self.links.mail_domain}",
            sequence=0,
            booked_via=via,
            created_at=self.now,
            updated_at=self.now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(appointment)
        except IntegrityError:
            earlier = self._booked_for_request(request) if request else None
            if earlier is not None:  # the same request, at the same moment
                return earlier
            raise SlotTaken() from None
        note_booked_times_changed(self.session)
        note_on_case(
            self.session,
            case.id,
            self.now,
            _EVENTS[appointment.kind, "booked"],
            {"when": self._when(start)},
        )
        if appointment.by_phone:
            arrange_the_call(self.unit, appointment)
        self._notices().booked(appointment)
        if via != BookedVia.PHONE:
            self._watch_for_a_burst(start)
        return self.booked(appointment, token)

    def _watch_for_a_burst(self, start: datetime) -> None:
        """After a booking on the web or through the API: if those of the last `[abuse]
        burst_minutes` took more than `burst_share` of the week's times, bookings are held
        (`hotline.abuse.bursts`)."""
        config = self.scheduling.abuse
        monday = start.astimezone(self.tz).date()
        monday -= timedelta(days=monday.weekday())
        week_start = datetime.combine(monday, time(0), self.tz).astimezone(UTC)
        in_week = (
            Appointment.state == AppointmentState.BOOKED,
            Appointment.start >= week_start,
            Appointment.start < week_start + timedelta(days=7),
        )
        booked, recent = self.session.execute(
            select(
                func.count(),
                func.count().filter(
                    Appointment.created_at >= self.now - config.burst_window,
                    Appointment.booked_via != BookedVia.PHONE,
                ),
            ).where(*in_week)
        ).one()
        signs = BurstSigns(recent, booked + len(self.free_slots(monday, 7)))
        if signs.is_a_burst(config) and not bookings_held(self.session):
            hold_bookings(
                self.session,
                self.cipher,
                self.now,
                by=None,
                signs=signs,
                console_url=f"{self.links.public_base_url}/staff/admin/protection",
            )

    def _contact_hashes(self, contact: Contact, via: BookedVia) -> ContactHashes:
        """What the booking keeps to be counted; a booking on the web or through the API is
        refused for a blocked number or too many open ones (BookingRefused). By phone the
        caller passed the line's protection already."""
        guard = self.unit.booking_guard
        if via == BookedVia.PHONE:
            return guard.hashes(email=contact.email, phone=contact.phone_e164)
        return guard.admit(email=contact.email, phone=contact.phone_e164)

    def booked(self, appointment: Appointment, token: str) -> BookedAppointment:
        reference = self.session.scalar(
            select(Case.reference).where(Case.id == appointment.case_id)
        )
        return BookedAppointment(
            id=appointment.id,
            token=token,
            case_reference=reference or "",
            start=appointment.start,
            end=appointment.end,
            kind=AppointmentKind(appointment.kind),
            video_url=self.links.video_url(appointment.room) if appointment.room else None,
            manage_url=self.links.manage_url(token),
            ics_url=self.links.ics_url(token),
        )

    def _booked_for_request(self, request: RepeatableRequest) -> BookedAppointment | None:
        earlier = self.session.scalars(
            select(Appointment).where(Appointment.request_digest == request.key)
        ).one_or_none()
        if earlier is None:
            return None
        if not hmac.compare_digest(earlier.request_body_digest or "", request.body):
            raise KeyUsedForAnotherRequest()
        token = self.cipher.decrypt(earlier.token_encrypted)
        return replace(self.booked(earlier, token), repeated=True)

    def find(self, token: str) -> Appointment | None:
        """The appointment of a manage link (`hotline.link_tokens`)."""
        appointment: Appointment | None = holder_of(self.session, Appointment.token_digest, token)
        return appointment

    def phone_appointment_of(self, reference: str, caller_number: str) -> Appointment | None:
        """The next booked phone appointment of the case `reference` that calls
        `caller_number` (E.164): one caller may cancel their own by phone, and knowing a case
        number alone cancels nobody's."""
        candidates = self.session.scalars(
            select(Appointment)
            .join(Case, Case.id == Appointment.case_id)
            .where(
                Case.reference == reference,
                Appointment.kind == AppointmentKind.PHONE,
                Appointment.state == AppointmentState.BOOKED,
                Appointment.start > self.now,
                Appointment.phone_encrypted.is_not(None),
            )
            .order_by(Appointment.start)
        )
        for appointment in candidates:
            token = appointment.phone_encrypted
            if token is not None and self.cipher.decrypt_or_none(token) == caller_number:
                return appointment
        return None

    def changeable(self, appointment: Appointment) -> bool:
        """May the official still move or cancel it online (it begins after the notice)?"""
        return appointment.start >= self._notice_ends

    @property
    def _notice_ends(self) -> datetime:
        return self.now + timedelta(minutes=self.config.min_notice_minutes)

    def cancel(
        self, appointment: Appointment, *, by_staff: bool = False, by_sms: bool = True
    ) -> bool:
        """Cancel (and free the place); False if it was cancelled already; TooShortNotice
        when the official asks inside the notice (staff may). `by_sms=False`: the mails only
        (an erasure tells the official once, by mail, and sends nothing Twilio would keep)."""
        if appointment.state != AppointmentState.BOOKED:
            return False
        if not by_staff and not self.changeable(appointment):
            raise TooShortNotice()
        appointment.state = AppointmentState.CANCELED
        appointment.sequence += 1
        appointment.canceled_at = appointment.updated_at = self.now
        self.session.flush()
        note_booked_times_changed(self.session)
        note_on_case(
            self.session,
            appointment.case_id,
            self.now,
            _EVENTS[appointment.kind, "canceled"],
            {"when": self._when(appointment.start)},
        )
        if appointment.by_phone:
            withdraw_the_call(self.unit, appointment)
        self._notices().canceled(appointment, by_sms=by_sms)
        appointment.forget_contact()  # the cancellations are queued with what they need
        return True

    def move(self, appointment: Appointment, start: datetime, *, by_staff: bool = False) -> None:
        """Move to another free slot (perhaps with another counsellor); SlotTaken if not free,
        TooShortNotice when the new time, or (for the official; staff may) the booked one,
        lies inside the notice. The calendar entry keeps its UID and gets a raised SEQUENCE."""
        if appointment.state != AppointmentState.BOOKED:
            raise SlotTaken()
        start = start.astimezone(UTC)
        if start < self._notice_ends or not (by_staff or self.changeable(appointment)):
            raise TooShortNotice()
        hold_booking_lock(self.session)
        old_start = appointment.start
        # the appointment's own time must not count against the new one
        appointment.state = AppointmentState.CANCELED
        self.session.flush()
        try:
            counsellor_id = self._fairest_free_counsellor(start)
        finally:
            appointment.state = AppointmentState.BOOKED
        previous_counsellor = appointment.counsellor_id
        appointment.counsellor_id = counsellor_id
        appointment.start, appointment.end = start, start + self.config.length
        appointment.sequence += 1
        appointment.updated_at = self.now
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            raise SlotTaken() from None
        note_booked_times_changed(self.session)
        note_on_case(
            self.session,
            appointment.case_id,
            self.now,
            _EVENTS[appointment.kind, "moved"],
            {"was": self._when(old_start), "when": self._when(start)},
        )
        if appointment.by_phone:  # the call goes with it, perhaps to another counsellor
            withdraw_the_call(self.unit, appointment)
            arrange_the_call(self.unit, appointment)
        self._notices().moved(appointment, previous_counsellor)

    def add_email(self, appointment: Appointment, email: str) -> None:
        """An official who booked by phone adds their address, or staff change it: the
        invitation follows to the new address (never a word to the old one, which may be a
        stranger's typo)."""
        appointment.email_encrypted = self.cipher.encrypt(email)
        appointment.sequence += 1
        appointment.updated_at = self.now
        self.session.flush()
        self._notices().email_added(appointment)

    def mark_no_show(self, appointment: Appointment) -> bool:
        """Staff mark that the official did not come, once it has begun; False when it is
        cancelled, not begun yet or marked already. Its time stays held: it is over."""
        if (
            appointment.state != AppointmentState.BOOKED
            or appointment.no_show_at is not None
            or appointment.start > self.now
        ):
            return False
        appointment.no_show_at = appointment.updated_at = self.now
        self.session.flush()
        note_on_case(
            self.session,
            appointment.case_id,
            self.now,
            CaseEventKind.APPOINTMENT_NO_SHOW,
            {"when": self._when(appointment.start)},
        )
        return True

    # --- inside ---------------------------------------------------------------------------
    def _case(self, reference: str | None) -> Case:
        return self.session.get_one(Case, case_to_book_for(self.session, reference, self.now))

    def _fairest_free_counsellor(self, start: datetime) -> int:
        day = start.astimezone(self.tz).date()
        candidates = self.slot_finder(day, day).counsellors_for(start, self.now)
        if not candidates:
            raise SlotTaken()
        monday = day - timedelta(days=day.weekday())
        week_start = datetime.combine(monday, time(0), tzinfo=self.tz)
        counts = dict(
            self.session.execute(
                select(Appointment.counsellor_id, func.count())
                .where(
                    Appointment.state == AppointmentState.BOOKED,
                    Appointment.counsellor_id.in_(candidates),
                    Appointment.start >= week_start,
                    Appointment.start < week_start + timedelta(days=7),
                )
                .group_by(Appointment.counsellor_id)
            ).all()
        )
        return min(candidates, key=lambda cid: (counts.get(cid, 0), cid))

    def _notices(self) -> Notices:
        return self.unit.notices

    def _when(self, at: datetime) -> str:
        """A time on the timeline, as the hotline's clocks showed it."""
        return local_time(at, self.tz)


def _new_room() -> str:
    return secrets.token_hex(ROOM_BYTES)  # hex: safe in any video service's room names


_EVENTS = {
    (AppointmentKind.VIDEO, "booked"): CaseEventKind.APPOINTMENT_BOOKED,
    (AppointmentKind.VIDEO, "moved"): CaseEventKind.APPOINTMENT_MOVED,
    (AppointmentKind.VIDEO, "canceled"): CaseEventKind.APPOINTMENT_CANCELED,
    (AppointmentKind.PHONE, "booked"): CaseEventKind.PHONE_APPOINTMENT_BOOKED,
    (AppointmentKind.PHONE, "moved"): CaseEventKind.PHONE_APPOINTMENT_MOVED,
    (AppointmentKind.PHONE, "canceled"): CaseEventKind.PHONE_APPOINTMENT_CANCELED,
}

__all__ = [
    "AppointmentDesk",
    "AppointmentKind",
    "BookedAppointment",
    "Contact",
    "KeyUsedForAnotherRequest",
    "NoNumberToCall",
    "RepeatableRequest",
    "SlotTaken",
]
