"""Finding cases: the filtered list of the console and the search by reference.

The list is ordered by last change and filtered in SQL; the index on (status, updated_at)
keeps it fast with tens of thousands of cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.cases.models import Case
from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.cases.service import find_case
from hotline.counsellors.models import Counsellor

PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    counsellor_id: int | None = None
    federal_state: str | None = None
    topic: str | None = None
    unassigned: bool = False


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    status: str
    counsellor: str | None
    federal_state: str | None
    topic: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def list_cases(session: Session, wanted: CaseFilter, page: int = 1) -> CasePage:
    conditions = []
    if wanted.status:
        conditions.append(Case.status == wanted.status)
    if wanted.unassigned:
        conditions.append(Case.counsellor_id.is_(None))
    elif wanted.counsellor_id is not None:
        conditions.append(Case.counsellor_id == wanted.counsellor_id)
    if wanted.federal_state:
        conditions.append(Case.federal_state == wanted.federal_state)
    if wanted.topic:
        conditions.append(Case.topic == wanted.topic)
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        select(Case, Counsellor.name)
        .outerjoin(Counsellor, Counsellor.id == Case.counsellor_id)
        .where(*conditions)
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [
        CaseRow(
            case.id,
            case.reference,
            case.status,
            name,
            case.federal_state,
            case.topic,
            case.created_at,
            case.updated_at,
        )
        for case, name in session.execute(query)
    ]
    return CasePage(rows, total, page, pages)


def find_by_typed_reference(session: Session, typed: str) -> Case | None:
    """ "1234 5678", "1234-5678" or "12345678"; None when it is no reference or names none."""
    try:
        reference = normalise_case_reference(typed.strip())
    except InvalidCaseReference:
        return None
    return find_case(session, reference)
