"""Case stubs: created when a call passes intake, found again by their reference number."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import new_case_reference
from hotline.database_kinds import DatabaseKind, kind_of

_ATTEMPTS = 5


class OpenedCase(NamedTuple):
    id: int
    reference: str


def open_case(session: Session, now: datetime) -> OpenedCase:
    """A new case stub with a fresh random reference (another on the rare collision).

    One INSERT that does nothing on a taken reference: no savepoint on the path of every call.
    """
    connection = session.connection()
    statement = _insert_unless_taken(kind_of(session))
    for _ in range(_ATTEMPTS):
        reference = new_case_reference()
        case_id = connection.execute(
            statement,
            {
                "reference": reference,
                "status": CaseStatus.NEW,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one_or_none()
        if case_id is not None:
            return OpenedCase(case_id, reference)
    raise RuntimeError("could not find a free case reference; the reference space is crowded")


@cache
def _insert_unless_taken(kind: DatabaseKind) -> Any:
    cases = Case.__table__
    return (
        kind.insert(cases)
        .on_conflict_do_nothing(index_elements=["reference"])
        .returning(cases.c.id)
    )


def find_case(session: Session, reference: str) -> Case | None:
    return session.scalars(select(Case).where(Case.reference == reference)).one_or_none()


def find_linkable_case(session: Session, reference: str) -> Case | None:
    """The case a caller or a booking may name: an erased case is known only to staff (its
    reference stays as the erasure's record), so it is unknown here and nothing new links
    to it."""
    case = find_case(session, reference)
    return None if case is None or case.erased_at is not None else case


def case_for_call(session: Session, reference: str | None, now: datetime) -> int:
    """The id of the case a caller named, or of a new case stub."""
    case = find_linkable_case(session, reference) if reference else None
    if case is None:
        return open_case(session, now).id
    case.updated_at = now
    return case.id


class UnknownCaseReference(ValueError):
    """A well-formed reference that names no case."""


def case_to_book_for(session: Session, reference: str | None, now: datetime) -> int:
    """A booking on the web names an existing case or gets a new stub; unlike a caller, who
    hears "unknown" and may try again, a form must say so: UnknownCaseReference."""
    if not reference:
        return open_case(session, now).id
    case = find_linkable_case(session, reference)
    if case is None:
        raise UnknownCaseReference(reference)
    case.updated_at = now
    return case.id
