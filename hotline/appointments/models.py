"""Appointments, by video or by phone. A booked appointment holds its counsellor's time: the partial
unique index refuses a second booked appointment of one counsellor at the same start, and
booking runs under the booking lock (`scheduling.availability.booking_lock`), so overlaps of
any shape are refused by the database, not only by a check in Python.

A phone appointment is called at its time like a callback: a callback row tied to it
(`Callback.appointment_id`, holding no seat: the appointment already holds the counsellor)
is placed by `scheduling.callbacks.placing`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    exists,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.database_kinds import kind_of
from hotline.db import Base, UTCDateTime, encrypted


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CANCELED = "canceled"


class AppointmentKind(StrEnum):
    VIDEO = "video"  # in a video room (`room`)
    PHONE = "phone"  # the counsellor calls the official's number at the agreed time


class BookedVia(StrEnum):
    WEB = "web"  # the booking page /termin
    API = "api"  # POST /api/v1/appointments
    PHONE = "phone"  # the out-of-hours menu


_BOOKED = text("state = 'booked'")


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index(
            "uq_appointments_counsellor_booked_start",
            "counsellor_id",
            "start",
            unique=True,
            sqlite_where=_BOOKED,
            postgresql_where=_BOOKED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    kind: Mapped[str] = mapped_column(
        String(8), default=AppointmentKind.VIDEO, server_default=AppointmentKind.VIDEO.value
    )
    state: Mapped[str] = mapped_column(String(16), default=AppointmentState.BOOKED)
    start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    email_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    phone_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, info=encrypted())
    phone_is_mobile: Mapped[bool] = mapped_column(Boolean, default=False)
    # keyed hashes of the address and number (`hotline.abuse.bookings`): open bookings each
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # the manage token: found by its sha256, kept encrypted to put it into later mails
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    token_encrypted: Mapped[bytes] = mapped_column(LargeBinary, info=encrypted())  # for mails
    # a keyed hash of the client and its Idempotency-Key: a retried API booking gets the same
    # appointment, and only from the client that made it
    request_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    # a keyed hash of that request's body: the same key with another body is refused
    request_body_digest: Mapped[str | None] = mapped_column(String(64))
    # the video room id (unguessable); None for a phone appointment, which has no room
    room: Mapped[str | None] = mapped_column(String(64))
    uid: Mapped[str] = mapped_column(String(120), unique=True)  # the calendar UID
    # raised on every change of time, counsellor, state or invitation (calendars rely on it)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    booked_via: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # marked in the console: the official did not come (who marked it: the audit log)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the official's language ("de", "en"): the language they booked in by phone; their SMS
    # and their manage page speak it (mails and the booking page are German)
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")

    @property
    def by_phone(self) -> bool:
        return self.kind == AppointmentKind.PHONE

    def forget_contact(self) -> None:
        """The official's name, address and number are kept only while needed."""
        self.name_encrypted = self.email_encrypted = self.phone_encrypted = None
        self.email_hash = self.phone_hash = None


def in_a_video_appointment(counsellor_id: ColumnElement[int], now: datetime) -> ColumnElement[bool]:
    """True while the counsellor has a booked appointment running: not free for the queue."""
    return exists().where(
        Appointment.counsellor_id == counsellor_id,
        Appointment.state == AppointmentState.BOOKED,
        Appointment.start <= now,
        Appointment.end > now,
    )


class AppointmentsVersion(Base):
    """One row counting every change of a booked time (booked, moved, cancelled): listings
    keep what they read and reload when it moved (`availability.booked_times`)."""

    __tablename__ = "appointments_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    number: Mapped[int] = mapped_column(BigInteger, default=0)


def note_booked_times_changed(session: Session) -> None:
    """Call in the transaction of every change of an appointment's time, counsellor or
    state. Bookings hold the booking lock already; a cancellation waits on this row."""
    table = AppointmentsVersion.__table__
    statement = kind_of(session).insert(table).values(id=1, number=1)
    session.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_={"number": table.c.number + 1})
    )
