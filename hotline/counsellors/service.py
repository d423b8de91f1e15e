"""Counsellors (Berater:innen): who is on duty, and the numbers their calls ring."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.mail.addresses import checked_address
from hotline.telephony.phone_numbers import to_e164

log = logging.getLogger(__name__)


SPOKEN = ("de", "en")  # the languages callers can choose


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
    languages: str = "de",
    email: str | None = None,
) -> Counsellor:
    """Raises ValueError for an invalid number, language or e-mail address, CounsellorExists
    for a taken name. The e-mail address gets appointment invitations (kept encrypted)."""
    name = name.strip()
    if not name:
        raise ValueError("a counsellor needs a name")
    if find_counsellor(session, name) is not None:
        raise CounsellorExists(f"a counsellor named {name!r} exists already")
    counsellor = Counsellor(
        name=name,
        phone_encrypted=cipher.encrypt(to_e164(phone)),
        on_duty=on_duty,
        languages=parse_languages(languages),
        email_encrypted=cipher.encrypt(checked_address(email)) if email else None,
        created_at=now,
        updated_at=now,
    )
    session.add(counsellor)
    session.flush()
    return counsellor


def set_email(session: Session, name: str, email: str | None, cipher: DataCipher) -> None:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise CounsellorNotFound(f"no counsellor named {name!r}")
    counsellor.email_encrypted = cipher.encrypt(checked_address(email)) if email else None


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
    if on_duty:  # a fresh start: passes counted anew, the reason for the last stop cleared
        counsellor.passes_in_a_row = 0
        counsellor.off_duty_reason = None
    counsellor.updated_at = now
    return counsellor


def parse_languages(text: str) -> str:
    """ "de,en" as typed, checked and normalised; ValueError names what is possible."""
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [code for code in chosen if code not in SPOKEN]
    if not chosen or unknown:
        raise ValueError(f"languages: a comma list of {', '.join(SPOKEN)} (not {text!r})")
    return ",".join(code for code in SPOKEN if code in chosen)
