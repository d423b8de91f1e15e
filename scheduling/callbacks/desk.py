"""The callbacks desk: booking a callback by phone, in the caller's transaction.

A callback starts as a draft holding the number (encrypted) while the caller chooses a time.
Booking takes the lowest free seat of the slot (1..capacity); the seats are unique per slot in
the database, so of two callers taking the last place at once one gets it and the other hears
the next free time. A callback is placed by `place_callback` work due at its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError

from hotline.callbacks.models import Callback, CallbackState, places_taken
from hotline.callbacks.work import place_callback_work
from hotline.cases.event_texts import local_time
from hotline.cases.events import CaseEventKind, note_on_case
from hotline.cases.models import Case
from hotline.cases.service import case_to_book_for
from hotline.counsellors.models import Counsellor
from hotline.link_tokens import new_link_token, token_digest
from hotline.outbox import queue, side_effects
from hotline.telephony.models import Call
from hotline.telephony.phone_numbers import CallbackNumber
from scheduling.availability.booking_lock import SlotTaken, hold_booking_lock
from scheduling.availability.service import Availability
from scheduling.callbacks.placing import CallbackPlacement
from scheduling.callbacks.slots import Slot, SlotFinder
from scheduling.hours.overrides import opening_hours_at

if TYPE_CHECKING:  # the unit makes the desks; they only read it
    from scheduling.unit import Unit

_CALLBACKS: Table = Callback.__table__  # type: ignore[assignment]
_CALLS: Table = Call.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class BookedOnline:
    callback_id: int
    token: str  # the manage link's secret: given to the booker once, never logged
    case_reference: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Booked:
    callback_id: int
    when: datetime | None  # None: as soon as a counsellor is free
    case_reference: str | None
    by_sms: bool = False  # a mobile number: `confirm_by_sms` sends the confirmation


class CallbackDesk:
    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.session = unit.session
        self.now = unit.now
        self.cipher = unit.cipher
        self.scheduling = unit.config
        self.config = unit.config.callbacks
        self.hours_config = unit.config.hours

    # --- the number -----------------------------------------------------------------------
    def caller_number(self, call_sid: str) -> str | None:
        """The number the caller called from, if shown (decrypted, only to read it back)."""
        token = self.session.scalar(
            select(_CALLS.c.caller_number_encrypted).where(_CALLS.c.call_sid == call_sid)
        )
        return self.cipher.decrypt(token) if token else None

    def take_number(self, call_sid: str, number: CallbackNumber) -> int:
        """The draft callback of this call, holding the number the caller confirmed."""
        existing = self.draft_of(call_sid)
        values = {
            "number_encrypted": self.cipher.encrypt(number.e164),
            "number_is_mobile": number.is_mobile,
            "number_hash": self.unit.booking_guard.hashes(phone=number.e164).phone,
            "updated_at": self.now,
        }
        if existing is not None:
            self.session.execute(
                update(_CALLBACKS).where(_CALLBACKS.c.id == existing).values(values)
            )
            return existing
        case_id = self.session.scalar(select(_CALLS.c.case_id).where(_CALLS.c.call_sid == call_sid))
        return self.session.execute(
            _CALLBACKS.insert()
            .values(
                case_id=case_id,
                call_sid=call_sid,
                state=CallbackState.DRAFT,
                attempts=0,
                created_at=self.now,
                **values,
            )
            .returning(_CALLBACKS.c.id)
        ).scalar_one()

    def draft_of(self, call_sid: str) -> int | None:
        return self.session.scalar(
            select(_CALLBACKS.c.id).where(
                _CALLBACKS.c.call_sid == call_sid, _CALLBACKS.c.state == CallbackState.DRAFT
            )
        )

    def draft_number(self, call_sid: str) -> str | None:
        """The number the caller typed for this call's draft (decrypted, only to read it back
        while they confirm it)."""
        token = self.session.scalar(
            select(_CALLBACKS.c.number_encrypted).where(
                _CALLBACKS.c.call_sid == call_sid, _CALLBACKS.c.state == CallbackState.DRAFT
            )
        )
        return self.cipher.decrypt_or_none(token) if token else None

    def forget_drafts(self, call_sid: str) -> None:
        """The call ended before a time was chosen: the number is not kept."""
        self.session.execute(
            _CALLBACKS.delete().where(
                _CALLBACKS.c.call_sid == call_sid, _CALLBACKS.c.state == CallbackState.DRAFT
            )
        )

    # --- the time -------------------------------------------------------------------------
    def slot_finder(self, *, with_bookings: bool = True) -> SlotFinder:
        """The slots as they stand; `with_bookings=False` when only capacities are asked
        (booking counts the seats of its one slot itself)."""
        hours = opening_hours_at(self.session, self.hours_config, self.now)
        counsellors = list(self.session.scalars(select(Counsellor.id)))
        availability = Availability.load(
            self.session,
            counsellors,
            self.now.astimezone(hours.timezone).date(),
            hours.timezone,
            appointment_buffer=self.scheduling.appointments.buffer,
        )
        if not with_bookings:
            return SlotFinder(self.config, hours, availability, {})
        horizon = self.now + timedelta(days=self.config.horizon_days + 1)
        booked = places_taken(self.session, self.now - self.config.slot, horizon)
        return SlotFinder(self.config, hours, availability, booked)

    def free_slots(self) -> list[Slot]:
        return self.slot_finder().free_slots(self.now, self.config.offered_slots)

    def book(self, callback_id: int, slot_start: datetime) -> bool:
        """Take a place in the slot; False when it is full (someone was faster)."""
        hold_booking_lock(self.session)  # appointments take counsellors' time too
        capacity = self.slot_finder(with_bookings=False).capacity(slot_start)
        return self._take_seat(callback_id, slot_start, capacity)

    def _take_seat(self, callback_id: int, slot_start: datetime, capacity: int) -> bool:
        """The lowest free seat of 1..capacity (under the booking lock)."""
        for _ in range(capacity):
            taken = set(
                self.session.scalars(
                    select(_CALLBACKS.c.seat).where(
                        _CALLBACKS.c.slot_start == slot_start, _CALLBACKS.c.seat.is_not(None)
                    )
                )
            )
            free = [seat for seat in range(1, capacity + 1) if seat not in taken]
            if not free:
                return False
            try:
                with self.session.begin_nested():
                    self.session.execute(
                        update(_CALLBACKS)
                        .where(_CALLBACKS.c.id == callback_id)
                        .values(
                            slot_start=slot_start,
                            seat=free[0],
                            due_at=slot_start,
                            state=CallbackState.BOOKED,
                            updated_at=self.now,
                        )
                    )
            except IntegrityError:
                continue  # another caller took that seat a moment ago: look again
            self._queue_first_attempt(callback_id, slot_start)
            return True
        return False

    def book_for(
        self, number: CallbackNumber, slot_start: datetime, case_reference: str | None
    ) -> BookedOnline:
        """A callback booked on the web or through the API: a draft holding the number,
        then a place in the slot as a caller would take it; SlotTaken when there is none
        (the caller's transaction then rolls the draft back), BookingRefused for a blocked
        number or too many open bookings of it. The booker gets a manage link
        (`hotline.callbacks.links`) to see and cancel it."""
        start = slot_start.astimezone(UTC)
        token = new_link_token()
        hold_booking_lock(self.session)
        capacities = self.slot_finder(with_bookings=False)  # read once, under the lock
        if not _is_a_slot(capacities, start, self.now):
            raise SlotTaken()
        hashes = self.unit.booking_guard.admit(phone=number.e164)  # or BookingRefused
        case_id = case_to_book_for(self.session, case_reference, self.now)
        callback_id = self.session.execute(
            _CALLBACKS.insert()
            .values(
                case_id=case_id,
                state=CallbackState.DRAFT,
                attempts=0,
                number_encrypted=self.cipher.encrypt(number.e164),
                number_is_mobile=number.is_mobile,
                number_hash=hashes.phone,
                token_digest=token_digest(token),
                created_at=self.now,
                updated_at=self.now,
            )
            .returning(_CALLBACKS.c.id)
        ).scalar_one()
        if not self._take_seat(callback_id, start, capacities.capacity(start)):
            raise SlotTaken()
        reference = self.session.scalar(select(Case.reference).where(Case.id == case_id))
        return BookedOnline(callback_id, token, reference or "", start, start + self.config.slot)

    def book_as_soon_as_possible(self, callback_id: int) -> None:
        """From the queue: due now, and it keeps the caller's place in line (virtual hold):
        the distributor rings for it when its turn comes, among the callers who joined after
        and before (no slot, no seat)."""
        joined = (
            select(Call.queued_at).where(Call.call_sid == _CALLBACKS.c.call_sid).scalar_subquery()
        )
        self.session.execute(
            update(_CALLBACKS)
            .where(_CALLBACKS.c.id == callback_id)
            .values(
                due_at=self.now,
                state=CallbackState.BOOKED,
                updated_at=self.now,
                line_since=func.coalesce(joined, self.now),
            )
        )
        self._queue_first_attempt(callback_id, self.now)

    def confirm_by_sms(self, callback_id: int, text: str) -> bool:
        """A mobile number gets the confirmation as an SMS (a work item); True if one is sent.
        The text says when, the reference and who we are: nothing of the case itself."""
        row = self.session.execute(
            select(_CALLBACKS.c.number_encrypted, _CALLBACKS.c.number_is_mobile).where(
                _CALLBACKS.c.id == callback_id
            )
        ).one()
        if not row.number_is_mobile or row.number_encrypted is None:
            return False
        work = side_effects.send_sms(
            f"callback:{callback_id}:confirmation",
            to=self.cipher.decrypt(row.number_encrypted),
            body=text,
            due_at=self.now,
        )
        queue.enqueue(self.session, self.cipher, self.now, work)
        return True

    @property
    def placement(self) -> CallbackPlacement:
        """Placing booked callbacks, in the same transaction."""
        return self.unit.placement

    def booked(self, callback_id: int) -> Booked:
        row = self.session.execute(
            select(
                _CALLBACKS.c.slot_start,
                Case.reference,
                _CALLBACKS.c.number_is_mobile,
                _CALLBACKS.c.number_encrypted.is_not(None).label("has_number"),
            )
            .outerjoin(Case, Case.id == _CALLBACKS.c.case_id)
            .where(_CALLBACKS.c.id == callback_id)
        ).one()
        by_sms = bool(row.number_is_mobile and row.has_number)  # as confirm_by_sms decides
        return Booked(callback_id, row.slot_start, row.reference, by_sms)

    def _queue_first_attempt(self, callback_id: int, due_at: datetime) -> None:
        queue.enqueue(
            self.session, self.cipher, self.now, place_callback_work(callback_id, 1, due_at)
        )
        case_id = self.session.scalar(
            select(_CALLBACKS.c.case_id).where(_CALLBACKS.c.id == callback_id)
        )
        when = local_time(due_at, self.hours_config.timezone)
        note_on_case(self.session, case_id, self.now, CaseEventKind.CALLBACK_BOOKED, {"when": when})


def _is_a_slot(finder: SlotFinder, start: datetime, now: datetime) -> bool:
    """`start` is one of the bookable slot starts (on the grid, after the notice)."""
    for candidate in finder.candidate_starts(now):
        if candidate >= start:
            return candidate == start
    return False
