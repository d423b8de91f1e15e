"""The audit log as the console's Verwaltung reads it: the entries a filter asks for, each
with the address of the account that acted and the reference of the case it touched, and
every account's address for the filter itself. Reading only: nothing here edits the log."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.audit.log import AuditFilter, entries
from hotline.cases.listing import find_by_typed_reference
from hotline.cases.models import Case
from hotline.crypto import DataCipher
from hotline.staff.overview import account_addresses

NO_CASE = -1  # a typed reference that names no case: no entries (no case has this id)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    by: str | None  # the acting account's address (or the words for unreadable); None: nobody
    action: str
    case_reference: str | None
    detail: str


@dataclass(frozen=True)
class AuditListing:
    lines: list[AuditLine]  # newest first
    accounts: dict[int, str]  # every account's address by id: whom the log may be filtered by


def audit_listing(
    session: Session,
    cipher: DataCipher,
    wanted: AuditFilter,
    *,
    typed_case: str = "",
    limit: int = 500,
) -> AuditListing:
    """The newest `limit` entries `wanted` names; `typed_case` (a reference as staff type
    it, with or without the space) narrows them to that case, and to none when it names no
    case."""
    if typed_case:
        found = find_by_typed_reference(session, typed_case)
        wanted = replace(wanted, case_id=found.id if found else NO_CASE)
    found_entries = entries(session, wanted, limit=limit)
    references = dict(
        session.execute(
            select(Case.id, Case.reference).where(
                Case.id.in_({entry.case_id for entry in found_entries if entry.case_id})
            )
        ).all()
    )
    accounts = account_addresses(session, cipher)
    lines = [
        AuditLine(
            entry.at,
            accounts.get(entry.staff_id) if entry.staff_id is not None else None,
            entry.action,
            references.get(entry.case_id) if entry.case_id is not None else None,
            entry.detail,
        )
        for entry in found_entries
    ]
    return AuditListing(lines, accounts)
