"""Counsellors as the console lists them: with the number masked (or said to be unreadable)
for the Verwaltung, and by name to choose one from (who is responsible for a case)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.readable import readable
from hotline.telephony.phone_numbers import mask


@dataclass(frozen=True)
class CounsellorRow:
    id: int
    name: str
    display_name: str | None  # as set; None: the first name is shown
    shown_name: str  # what officials see
    number: str  # masked, or the words for unreadable
    languages: str
    on_duty: bool
    off_duty_reason: str | None
    has_account: bool  # linked to a console login


def counsellor_rows(session: Session, cipher: DataCipher) -> list[CounsellorRow]:
    """Every counsellor, by name."""
    return [
        CounsellorRow(
            c.id,
            c.name,
            c.display_name,
            c.shown_name,
            readable(cipher, c.phone_encrypted, mask),
            c.languages,
            c.on_duty,
            c.off_duty_reason,
            c.staff_id is not None,
        )
        for c in session.scalars(select(Counsellor).order_by(Counsellor.name))
    ]


def counsellor_names(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every counsellor, by name."""
    return [
        (counsellor_id, name)
        for counsellor_id, name in session.execute(
            select(Counsellor.id, Counsellor.name).order_by(Counsellor.name)
        )
    ]
