"""Case stubs: created when a call passes intake, found again by their reference number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import new_case_reference

_ATTEMPTS = 5


def open_case(session: Session, now: datetime) -> Case:
    """A new case stub with a fresh random reference (retried on the rare collision)."""
    for _ in range(_ATTEMPTS):
        case = Case(
            reference=new_case_reference(), status=CaseStatus.OPEN, created_at=now, updated_at=now
        )
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
        except IntegrityError:
            continue
        return case
    raise RuntimeError("could not find a free case reference; the reference space is crowded")


def find_case(session: Session, reference: str) -> Case | None:
    return session.scalars(select(Case).where(Case.reference == reference)).one_or_none()


def case_for_call(session: Session, reference: str | None, now: datetime) -> Case:
    """The case a caller named, or a new case stub."""
    case = find_case(session, reference) if reference else None
    if case is None:
        return open_case(session, now)
    case.updated_at = now
    return case
