"""The voice challenge's state, kept by CallSid in the database: the next request of the
call may land on any worker."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from hotline.abuse.models import CallChallenge
from hotline.database_kinds import kind_of

_CHALLENGES: Table = CallChallenge.__table__  # type: ignore[assignment]


def new_digits(count: int) -> str:
    """Random digits to type, never all the same ("1 1 1" is what a script presses)."""
    while True:
        digits = "".join(secrets.choice("0123456789") for _ in range(count))
        if len(set(digits)) > 1:
            return digits


def ask(session: Session, call_sid: str, digits: str, now: datetime) -> None:
    """The digits the caller is asked now (asked again: the new ones replace the old)."""
    statement = (
        kind_of(session)
        .insert(_CHALLENGES)
        .values(call_sid=call_sid, digits=digits, asked_at=now, failures=0)
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["call_sid"], set_={"digits": digits})
    )


def expected_digits(session: Session, call_sid: str) -> str | None:
    return session.scalar(select(_CHALLENGES.c.digits).where(_CHALLENGES.c.call_sid == call_sid))


def failed(session: Session, call_sid: str) -> None:
    session.execute(
        update(_CHALLENGES)
        .where(_CHALLENGES.c.call_sid == call_sid)
        .values(failures=_CHALLENGES.c.failures + 1)
    )


def passed(session: Session, call_sid: str, now: datetime) -> None:
    session.execute(
        update(_CHALLENGES).where(_CHALLENGES.c.call_sid == call_sid).values(passed_at=now)
    )
