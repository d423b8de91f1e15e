"""Writing and reading the audit log. Written in the transaction of what it records, so an
action and its entry commit together; there is no update or delete here on purpose. An entry
says what was touched as a message and its parameters; `AuditEntry.detail` puts it into words
when the log is shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.audit.models import AuditAction, AuditEntry, AuditMessage
from hotline.audit.wording import audit_params


def record(
    session: Session,
    now: datetime,
    staff_id: int | None,
    action: AuditAction,
    *,
    case_id: int | None = None,
    message: AuditMessage | None = None,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Adds an entry. What was touched is a `message` and the parameters of its sentence
    (`hotline.audit.wording`): `message=AuditMessage.OFFER_SAVED, params={"id": offer.id}`;
    anything its sentence does not take is refused (ValueError), so no prose is stored."""
    if message is None and params:
        raise ValueError(f"parameters without a message: {sorted(params)}")
    session.add(
        AuditEntry(
            at=now,
            staff_id=staff_id,
            action=action,
            case_id=case_id,
            message=message,
            params=audit_params(message, params or {}) if message is not None else None,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    staff_id: int | None = None
    case_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def entries(session: Session, wanted: AuditFilter, limit: int = 200) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if wanted.staff_id is not None:
        query = query.where(AuditEntry.staff_id == wanted.staff_id)
    if wanted.case_id is not None:
        query = query.where(AuditEntry.case_id == wanted.case_id)
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.since is not None:
        query = query.where(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEntry.at < wanted.until)
    return list(session.scalars(query))
