"""Bookings during a burst (`hotline.abuse.bursts`): while bookings are held, the page and
the API keep a video or phone appointment that names an e-mail address until the booker
confirms it by the mailed link (`web.booking.held`); without an address nothing can be
confirmed, and the answer says how else to reach the hotline (110 included)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.abuse.bursts import bookings_held, hold_booking
from hotline.appointments.models import BookedVia
from hotline.calendar_names import long_date_time
from hotline.outbox import queue, side_effects
from hotline.services import services
from hotline.texts import text
from web.booking.schema import BookingRequest
from web.context import scheduling
from web.texts import ERRORS

CONFIRM_PATH = "/termin/bestaetigen"


def held_now(session: Session) -> bool:
    return bookings_held(session)


def keep_for_confirmation(session: Session, wish: BookingRequest, via: BookedVia) -> bool:
    """Keep the booking and mail the link; False when it names no address to confirm by."""
    if wish.type == "callback" or not wish.email:
        return False
    svc = services()
    now = svc.clock.now()
    fields = {
        "via": via.value,
        "type": wish.type,
        "start": wish.start.isoformat(),
        "name": wish.name,
        "email": wish.email,
        "phone": wish.phone.e164 if wish.phone else None,
        "mobile": bool(wish.phone and wish.phone.is_mobile),
        "case_reference": wish.case_reference,
    }
    token = hold_booking(session, svc.cipher, now, scheduling().abuse, fields)
    link = f"{svc.settings.public_base_url}{CONFIRM_PATH}/{token}"
    when = long_date_time(wish.start, scheduling().hours.timezone)
    mail = side_effects.send_mail(
        f"held-booking:{token[:16]}",
        to=[wish.email],
        subject=text("protection.confirm_mail.subject"),
        text=text(
            "protection.confirm_mail.text",
            when=when,
            link=link,
            hours=scheduling().abuse.confirm_hours,
            email=svc.settings.contact_email,
        ),
        due_at=now,
    )
    queue.enqueue(session, svc.cipher, now, mail)
    return True


def held_message() -> str:
    return ERRORS["booking_held"].format(hours=scheduling().abuse.confirm_hours)


def bookings_held_message() -> str:
    return ERRORS["bookings_held"].format(email=services().settings.contact_email)
