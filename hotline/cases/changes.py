"""Changing a case from the console: status, who is responsible, its description, merging.

Every change lands on the timeline with who made it and is audited; both commit with the
change itself (the caller's transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.audit.wording import case_change
from hotline.callbacks.models import Callback
from hotline.cases.event_texts import VARIANT
from hotline.cases.events import CaseEvent, CaseEventKind, note_on_case
from hotline.cases.models import Case, CaseStatus
from hotline.cases.vocabulary import FEDERAL_STATES, STATUS_NAMES, TOPICS
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.outbox.models import WorkItem
from hotline.referrals.models import Referral
from hotline.telephony.models import Call
from hotline.texts import text

LONGEST_NOTES = 4000


class CaseChangeRefused(ValueError):
    """The change cannot be made; the message is German, for the page."""


def refused(reason: str, /, **values: object) -> CaseChangeRefused:
    """A refusal with its message from the catalog (`cases.refused.<reason>`)."""
    return CaseChangeRefused(text(f"cases.refused.{reason}", **values))


def note_audited_change(
    session: Session,
    now: datetime,
    staff_id: int | None,
    case_id: int,
    kind: CaseEventKind,
    params: Mapping[str, Any],
) -> None:
    """A change staff made to a case: on its timeline, and in the audit log as the same kind
    and parameters, so the log says it in the words the timeline uses for it."""
    note_on_case(session, case_id, now, kind, params, staff_id)
    record(
        session,
        now,
        staff_id,
        AuditAction.CHANGED,
        case_id=case_id,
        message=AuditMessage.CASE_CHANGED,
        params={"change": case_change(kind, params)},
    )


@dataclass
class CaseDesk:
    session: Session
    now: datetime
    staff_id: int | None
    cipher: DataCipher

    def set_status(self, case: Case, status: str) -> None:
        if status not in STATUS_NAMES:
            raise refused("unknown_status")
        if case.merged_into_id is not None:
            raise refused("merged")
        if status == case.status:
            return
        old = case.status
        case.status = status
        case.closed_at = self.now if status == CaseStatus.CLOSED else None
        self._changed(case, CaseEventKind.STATUS_CHANGED, {"old_status": old, "new_status": status})

    def assign(self, case: Case, counsellor: Counsellor | None) -> None:
        if (counsellor.id if counsellor else None) == case.counsellor_id:
            return
        case.counsellor_id = counsellor.id if counsellor else None
        if counsellor is None:
            self._changed(case, CaseEventKind.ASSIGNED, {VARIANT: "nobody"})
        else:
            self._changed(
                case, CaseEventKind.ASSIGNED, {VARIANT: "to", "counsellor": counsellor.name}
            )
        if case.status == CaseStatus.NEW and counsellor is not None:
            self.set_status(case, CaseStatus.IN_PROGRESS)

    def describe(
        self, case: Case, *, federal_state: str | None, topic: str | None, notes: str
    ) -> None:
        """Federal state and topic from the fixed lists (empty: not known), free notes."""
        federal_state, topic = federal_state or None, topic or None
        if federal_state is not None and federal_state not in FEDERAL_STATES:
            raise refused("unknown_federal_state")
        if topic is not None and topic not in TOPICS:
            raise refused("unknown_topic")
        notes = notes.strip()
        if len(notes) > LONGEST_NOTES:
            raise refused("notes_too_long", most=LONGEST_NOTES)
        changed = []
        if federal_state != case.federal_state:
            case.federal_state = federal_state
            changed.append("federal_state")
        if topic != case.topic:
            case.topic = topic
            changed.append("topic")
        stored = self.notes(case)  # None: unreadable, kept unless a new text replaces them
        if notes != stored and (stored is not None or notes):
            case.notes_encrypted = self.cipher.encrypt(notes) if notes else None
            changed.append("notes")
        if changed:
            self._changed(case, CaseEventKind.DETAILS_CHANGED, {"fields": changed})

    def notes(self, case: Case) -> str | None:
        """The notes to show and edit ("" when there are none); None when they were stored
        under a key no longer configured. An empty form field then leaves them as they are
        (the key may be put back); only a new text replaces them."""
        if not case.notes_encrypted:
            return ""
        return self.cipher.decrypt_or_none(case.notes_encrypted)

    def merge(self, duplicate: Case, into: Case) -> None:
        """A caller with two cases: everything of `duplicate` moves to `into`, which keeps
        its reference; `duplicate` is closed and points to `into`."""
        if duplicate.id == into.id:
            raise refused("merged_with_itself")
        if duplicate.merged_into_id is not None or into.merged_into_id is not None:
            raise refused("merged_already")
        kept, moved = self.notes(into), self.notes(duplicate)
        if kept is None or moved is None:
            raise refused("notes_unreadable")
        for model in (Call, Callback, Appointment, CaseEvent, Referral, WorkItem):
            self.session.execute(
                update(model).where(model.case_id == duplicate.id).values(case_id=into.id)
            )
        if into.federal_state is None:
            into.federal_state = duplicate.federal_state
        if into.topic is None:
            into.topic = duplicate.topic
        if moved:
            merged = "\n\n".join(part for part in (kept, moved) if part)
            into.notes_encrypted = self.cipher.encrypt(merged[:LONGEST_NOTES])
            duplicate.notes_encrypted = None
        duplicate.merged_into_id = into.id
        duplicate.status, duplicate.closed_at = CaseStatus.CLOSED, self.now
        self._changed(into, CaseEventKind.MERGED, {VARIANT: "from", "other": duplicate.reference})
        self._changed(duplicate, CaseEventKind.MERGED, {VARIANT: "into", "other": into.reference})

    def _changed(self, case: Case, kind: CaseEventKind, params: Mapping[str, Any]) -> None:
        case.updated_at = self.now
        note_audited_change(self.session, self.now, self.staff_id, case.id, kind, params)
