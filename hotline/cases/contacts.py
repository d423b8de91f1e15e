"""A case's stored contact details — the numbers of its callbacks, the numbers and addresses
of its appointments — as the console's case page shows them: masked, enough to tell them
apart, and one of them in full only when a counsellor asks for it, which the audit log
records in the same transaction. A value no configured key opens is said to be unreadable
and cannot be revealed (the key may be put back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.audit.wording import contact
from hotline.callbacks.models import Callback
from hotline.crypto import DataCipher
from hotline.mail.mailer import mask_address
from hotline.telephony.phone_numbers import mask
from hotline.texts import text


@dataclass(frozen=True)
class ContactLine:
    """A stored number or address, masked unless revealed on this page view."""

    item: str  # what the reveal form names: "callback-3-phone", "appointment-5-email"
    label: str
    shown: str
    revealed: bool
    readable: bool = True


class NothingToReveal(LookupError):
    """The item names none of the case's readable numbers and addresses."""


def masked_contacts(session: Session, cipher: DataCipher, case_id: int) -> list[ContactLine]:
    """The case's stored numbers and addresses, each masked."""
    return _lines(session, cipher, case_id, reveal=None)


def reveal_contact(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    staff_id: int | None,
    case_id: int,
    item: str,
) -> list[ContactLine]:
    """The case's stored numbers and addresses with `item` in full, the others masked; the
    audit log records who saw which, in this transaction. NothingToReveal (and nothing
    recorded) when `item` is none of them or cannot be read."""
    lines = _lines(session, cipher, case_id, reveal=item)
    shown = [line for line in lines if line.revealed]
    if not shown:
        raise NothingToReveal(item)
    record_kind, record_id, field = shown[0].item.split("-")  # "callback-3-phone"
    record(
        session,
        now,
        staff_id,
        AuditAction.REVEALED,
        case_id=case_id,
        message=AuditMessage.REVEALED,
        params={"contact": contact(f"{record_kind}_{field}", int(record_id))},
    )
    return lines


def _lines(
    session: Session, cipher: DataCipher, case_id: int, reveal: str | None
) -> list[ContactLine]:
    lines = []
    for item, label, token, masking in _stored(session, case_id):
        if token is None:
            continue
        value = cipher.decrypt_or_none(token)
        if value is None:  # stored under a key no longer configured: nothing to reveal
            unreadable = text("console.messages.unreadable")
            lines.append(ContactLine(item, label, unreadable, False, readable=False))
            continue
        shown = value if item == reveal else masking(value)
        lines.append(ContactLine(item, label, shown, item == reveal))
    return lines


def _stored(
    session: Session, case_id: int
) -> list[tuple[str, str, bytes | None, Callable[[str], str]]]:
    """(item, label, token, how it is masked) of each number and address the case holds."""
    stored: list[tuple[str, str, bytes | None, Callable[[str], str]]] = []
    callbacks = session.scalars(
        select(Callback).where(Callback.case_id == case_id, Callback.number_encrypted.is_not(None))
    )
    for cb in callbacks:
        label = text("console.contacts.callback_phone", id=cb.id)
        stored.append((f"callback-{cb.id}-phone", label, cb.number_encrypted, mask))
    for ap in session.scalars(select(Appointment).where(Appointment.case_id == case_id)):
        label = text("console.contacts.appointment_phone", id=ap.id)
        stored.append((f"appointment-{ap.id}-phone", label, ap.phone_encrypted, mask))
        label = text("console.contacts.appointment_email", id=ap.id)
        stored.append((f"appointment-{ap.id}-email", label, ap.email_encrypted, mask_address))
    return stored
