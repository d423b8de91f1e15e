"""Counsellors (Berater:innen): who is on duty, and the numbers their calls ring."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.models import DISPLAY_NAME_LENGTH, Counsellor
from hotline.crypto import DataCipher
from hotline.mail.addresses import checked_address
from hotline.plain_text import has_control_characters
from hotline.routing.lock import hold_routing_lock
from hotline.telephony.phone_numbers import to_e164
from hotline.texts import text as catalog_text

log = logging.getLogger(__name__)


SPOKEN = ("de", "en")  # the languages callers can choose


class CounsellorNotFound(LookupError):
    """No counsellor has that name."""


class CounsellorExists(ValueError):
    """The name is taken: names identify counsellors on the command line."""


class InvalidCounsellorName(ValueError):
    """Empty, or with control characters (it is typed on the command line, shown in the
    console and in the line of callers)."""


class InvalidDisplayName(ValueError):
    """Not usable as the name officials see: empty, too long, or with control characters."""


def add_counsellor(
    session: Session,
    name: str,
    phone: str,
    cipher: DataCipher,
    now: datetime,
    on_duty: bool = False,
    languages: str = "de",
    email: str | None = None,
    display_name: str | None = None,
) -> Counsellor:
    """Raises ValueError for an invalid number, language, e-mail address or display name,
    CounsellorExists for a taken name. The e-mail address gets appointment invitations (kept
    encrypted); the display name is how officials see the counsellor (default: first name)."""
    name = name.strip()
    if not name:
        raise InvalidCounsellorName(_refusal("name_missing"))
    if has_control_characters(name):
        raise InvalidCounsellorName(_refusal("name_control_characters"))
    if find_counsellor(session, name) is not None:
        raise CounsellorExists(_refusal("exists", name=name))
    counsellor = Counsellor(
        name=name,
        display_name=checked_display_name(display_name) if display_name is not None else None,
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
        raise CounsellorNotFound(_refusal("not_found", name=name))
    counsellor.email_encrypted = cipher.encrypt(checked_address(email)) if email else None


def set_display_name(
    session: Session, name: str, display_name: str | None, now: datetime
) -> Counsellor:
    """The name officials see in invitations; None goes back to the first name."""
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise CounsellorNotFound(_refusal("not_found", name=name))
    change_display_name(counsellor, display_name, now)
    return counsellor


def change_display_name(counsellor: Counsellor, display_name: str | None, now: datetime) -> None:
    counsellor.display_name = (
        checked_display_name(display_name) if display_name is not None else None
    )
    counsellor.updated_at = now


def checked_display_name(text: str) -> str:
    """1 to 80 characters (surrounding spaces dropped), none of them a control character: it
    goes into mail bodies, calendar entries and iCalendar parameters."""
    shown = text.strip(" ")
    if not 1 <= len(shown) <= DISPLAY_NAME_LENGTH:
        raise InvalidDisplayName(_refusal("display_name_length", most=DISPLAY_NAME_LENGTH))
    if has_control_characters(shown):
        raise InvalidDisplayName(_refusal("display_name_control_characters"))
    return shown


def list_counsellors(session: Session) -> list[Counsellor]:
    return list(session.scalars(select(Counsellor).order_by(Counsellor.name)))


def find_counsellor(session: Session, name: str) -> Counsellor | None:
    """By name, as staff type it on the command line."""
    return session.scalars(select(Counsellor).where(Counsellor.name == name.strip())).first()


def counsellor_with_id(session: Session, counsellor_id: int) -> Counsellor:
    """The counsellor a console page names by id; CounsellorNotFound when none has it."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is None:
        raise CounsellorNotFound(counsellor_id)
    return counsellor


def switch_duty(session: Session, counsellor_id: int, on_duty: bool, now: datetime) -> Counsellor:
    """Puts the counsellor on or off duty from the console. Takes the routing lock first, as
    every change of whom the line may ring does (`hotline.routing.lock`); the caller then
    lets the distributor look at the line again. CounsellorNotFound when none has the id."""
    hold_routing_lock(session)
    counsellor = counsellor_with_id(session, counsellor_id)
    _put_on_duty(counsellor, on_duty, now)
    return counsellor


def set_on_duty(session: Session, name: str, on_duty: bool, now: datetime) -> Counsellor:
    counsellor = find_counsellor(session, name)
    if counsellor is None:
        raise CounsellorNotFound(_refusal("not_found_listed", name=name))
    _put_on_duty(counsellor, on_duty, now)
    return counsellor


def _put_on_duty(counsellor: Counsellor, on_duty: bool, now: datetime) -> None:
    counsellor.on_duty = on_duty
    if on_duty:  # a fresh start: passes counted anew, the reason for the last stop cleared
        counsellor.passes_in_a_row = 0
        counsellor.off_duty_code = counsellor.off_duty_params = None
    counsellor.updated_at = now


def parse_languages(text: str) -> str:
    """ "de,en" as typed, checked and normalised; ValueError names what is possible."""
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [code for code in chosen if code not in SPOKEN]
    if not chosen or unknown:
        raise ValueError(_refusal("languages", spoken=", ".join(SPOKEN), typed=text))
    return ",".join(code for code in SPOKEN if code in chosen)


def _refusal(reason: str, /, **values: object) -> str:
    """Why it cannot be done, in the words of `hotline/texts/counsellors.toml`."""
    return catalog_text(f"counsellors.refused.{reason}", **values)
