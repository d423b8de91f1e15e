"""Booking abuse: at most `[abuse] open_bookings_per_address` future appointments and
callbacks per e-mail address and per phone number, and none for a blocked number.

Bookings keep their address's and number's keyed hashes beside the encrypted values (the
retention sweep clears them together), so they can be counted without being read. Checked
under the booking lock, so two requests at once cannot both take the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hotline.abuse.blocks import BlockList
from hotline.abuse.config import AbuseConfig
from hotline.abuse.hashing import CallerHasher
from hotline.abuse.protection import screen_state
from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackState


class BookingRefused(Exception):
    """`why`: "blocked" (the number is blocked) or "too_many" (open bookings)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class ContactHashes:
    """What a booking stores to be counted later (None: no such contact)."""

    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class BookingGuard:
    session: Session
    now: datetime
    config: AbuseConfig
    hasher: CallerHasher
    blocks: BlockList

    def hashes(self, *, email: str | None = None, phone: str | None = None) -> ContactHashes:
        """The hashes a booking stores, without a check (a booking by phone)."""
        return ContactHashes(
            self.hasher.email(email) if email else None,
            self.hasher.number(phone) if phone else None,
        )

    def admit(self, *, email: str | None = None, phone: str | None = None) -> ContactHashes:
        """The hashes to store, or BookingRefused; call holding the booking lock."""
        email_hashes = self.hasher.email_hashes(email) if email else ()
        phone_hashes = self.hasher.number_hashes(phone) if phone else ()
        if phone_hashes:
            version = screen_state(self.session)[1]
            if self.blocks.is_blocked(self.session, version, phone_hashes, self.now):
                raise BookingRefused("blocked")
        limit = self.config.open_bookings_per_address
        if email_hashes and self._open_with(email_hashes, ()) >= limit:
            raise BookingRefused("too_many")
        if phone_hashes and self._open_with((), phone_hashes) >= limit:
            raise BookingRefused("too_many")
        return ContactHashes(
            email_hashes[0] if email_hashes else None, phone_hashes[0] if phone_hashes else None
        )

    def _open_with(self, email_hashes: tuple[str, ...], phone_hashes: tuple[str, ...]) -> int:
        matches = []
        if email_hashes:
            matches.append(Appointment.email_hash.in_(email_hashes))
        if phone_hashes:
            matches.append(Appointment.phone_hash.in_(phone_hashes))
        appointments = self.session.scalar(
            select(func.count()).where(
                Appointment.state == AppointmentState.BOOKED,
                Appointment.start > self.now,
                or_(*matches),
            )
        )
        callbacks = 0
        if phone_hashes:
            callbacks = self.session.scalar(
                select(func.count()).where(
                    Callback.state == CallbackState.BOOKED,
                    Callback.appointment_id.is_(None),  # a phone appointment's counts once
                    Callback.due_at > self.now,
                    Callback.number_hash.in_(phone_hashes),
                )
            )
        return (appointments or 0) + (callbacks or 0)
