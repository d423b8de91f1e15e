"""Counsellors (Berater:innen): who is on duty, and the numbers their calls ring."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher, UndecryptableValue
from hotline.telephony.phone_numbers import to_e164

log = logging.getLogger(__name__)


class CounsellorNotFound(LookupError):
    """No counsellor has that name."""


class CounsellorExists(ValueError):
    """The name is taken: names identify counsellors on the command line."""


def add_counsellor(
    session: Session,
    name: str,
    phone: str,
    cipher: DataCipher,
    now: datetime,
    on_duty: bool = False,
) -> Counsellor:
    """Raises ValueError for an invalid number, CounsellorExists for a taken name."""
    name = name.strip()
    if not name:
        raise ValueError("a counsellor needs a name")
    if find_counsellor(session, name) is not None:
        raise CounsellorExists(f"a counsellor named {name!r} exists already")
    counsellor = Counsellor(
        name=name,
        phone_encrypted=cipher.encrypt(to_e164(phone)),
        on_duty=on_duty,
        created_at=now,
        updated_at=now,
    )
    session.add(counsellor)
    session.flush()
    return counsellor


def list_counsellors(session: Session) -> list[Counsellor]:
    return list(session.scalars(select(Counsellor).order_by(Counsellor.name)))


def find_counsellor(session: Session, name: str) -> Counsellor | None:
    """By name, as staff type it on the command line."""
    return session.scalars(select(Counsellor).where(Counsellor.name == name.strip())).first()


def set_on_duty(session: Session, name: str, on_duty: bool, now: datetime) -> Counsellor:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise CounsellorNotFound(
            f"no counsellor named {name!r}; `hotline counsellor list` shows all"
        )
    counsellor.on_duty = on_duty
    counsellor.updated_at = now
    return counsellor


def numbers_on_duty(session: Session, cipher: DataCipher) -> list[str]:
    """The decrypted numbers to ring, in a stable order.

    A number that cannot be decrypted (its key was dropped too early) is skipped and logged,
    so that one broken entry does not keep callers from the other counsellors.
    """
    rows = session.execute(
        select(Counsellor.id, Counsellor.phone_encrypted)
        .where(Counsellor.on_duty.is_(True))
        .order_by(Counsellor.id)
    )
    numbers = []
    for counsellor_id, token in rows:
        try:
            numbers.append(cipher.decrypt(token))
        except UndecryptableValue:
            log.error(
                "counsellor number cannot be decrypted", extra={"counsellor_id": counsellor_id}
            )
    return numbers
