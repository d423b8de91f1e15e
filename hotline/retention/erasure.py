"""Erasing a case on request (DSGVO Art. 17), four eyes, in the core: asking for it,
withdrawing, checking the confirmation, and the scrub itself.

What the scrub leaves: the case's reference and dates (so that staff can say that and when it
was erased, and the reference is never given to anyone else), the erasure's record, and what
the statistics count — a call's times and outcome, a callback's and an appointment's state and
times, a referral's offer and dates — none of it naming or reaching the person: no number,
address, name, note, link secret, video room or Twilio SID is left, the calls no longer point
to the case, and the case no longer has a federal state, topic or counsellor. The timeline's
entries are deleted; the audit log keeps its entries of the case (who looked, changed,
revealed, when) without what they said (their parameters could name a time or a change), and
keeps its entries of the erasure and of exports with their reasons.

Cancelling what is still to come (callbacks, appointments, with the cancellation mails) is
the desk's part (`scheduling.retention.erasure`), in the same transaction, before the scrub:
the mails it queues are the only work of the case the scrub leaves as it is (`fence`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from hotline.abuse.models import CallChallenge, CallerBlock
from hotline.appointments.models import Appointment
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditEntry, AuditMessage
from hotline.audit.wording import LONGEST_REASON, is_reason
from hotline.callbacks.models import Callback, CallbackAttempt
from hotline.cases.events import CaseEvent
from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import display_case_reference
from hotline.crypto import DataCipher
from hotline.inputs import Refused, checked_text
from hotline.link_tokens import new_link_token, token_digest
from hotline.outbox.models import CLAIMABLE, WorkItem, WorkState
from hotline.referrals.models import Referral
from hotline.retention.models import CaseErasure, ErasureState
from hotline.retention.twilio_records import (
    ERASED_SID_PREFIX,
    SEND_SMS,
    CallRecord,
    TwilioDeletions,
    ask_to_delete_calls,
    ask_to_delete_messages,
    deletions_of_case,
)
from hotline.routing.models import CallOffer
from hotline.staff.models import StaffAccount, StaffRole
from hotline.telephony.models import Call, WebhookEvent
from hotline.texts import text

UNDER_WAY_AT_MOST = timedelta(hours=4)  # a call without an end older than this is not live
# what the audit keeps saying after an erasure: the rights' own entries, with their reasons
KEPT_AUDIT_MESSAGES = (
    AuditMessage.CASE_EXPORTED,
    AuditMessage.ERASURE_REQUESTED,
    AuditMessage.ERASURE_WITHDRAWN,
    AuditMessage.ERASURE_CONFIRMED,
)


class ErasureRefused(ValueError):
    """The export or erasure cannot be done; the message (German) says why."""


def refused(reason: str, /, **values: object) -> ErasureRefused:
    return ErasureRefused(text(f"rights.refused.{reason}", **values))


def checked_reason(value: object) -> str:
    """The reason an admin states: one line, 3 to LONGEST_REASON characters."""
    try:
        reason = checked_text(value)
    except Refused:
        raise refused("reason_missing", most=LONGEST_REASON) from None
    if not is_reason(reason):
        raise refused("reason_missing", most=LONGEST_REASON)
    return reason


def check_admin(session: Session, staff_id: int | None) -> StaffAccount:
    """The acting account, if it is an active admin's."""
    account = session.get(StaffAccount, staff_id) if staff_id is not None else None
    if account is None or account.disabled_at is not None or account.role != StaffRole.ADMIN:
        raise refused("not_an_admin")
    return account


def check_case(session: Session, case: Case) -> None:
    """A case whose data can be handed out or erased: not erased, not merged away."""
    if case.erased_at is not None:
        raise refused("erased")
    if case.merged_into_id is not None:
        other = session.get_one(Case, case.merged_into_id)
        raise refused("merged", other=display_case_reference(other.reference))


def pending_erasure(session: Session, case_id: int) -> CaseErasure | None:
    return session.scalars(
        select(CaseErasure).where(
            CaseErasure.case_id == case_id, CaseErasure.state == ErasureState.PENDING
        )
    ).one_or_none()


def last_erasure(session: Session, case_id: int) -> CaseErasure | None:
    """The erasure carried out, or else the one pending (None: never asked for)."""
    return session.scalars(
        select(CaseErasure)
        .where(
            CaseErasure.case_id == case_id,
            CaseErasure.state.in_((ErasureState.DONE, ErasureState.PENDING)),
        )
        .order_by(CaseErasure.state == ErasureState.PENDING, CaseErasure.id.desc())
        .limit(1)
    ).one_or_none()


def request_erasure(
    session: Session, now: datetime, case: Case, staff_id: int | None, reason: object
) -> CaseErasure:
    """The first pair of eyes: an admin asks, with a reason; nothing is erased yet."""
    check_admin(session, staff_id)
    check_case(session, case)
    why = checked_reason(reason)
    if pending_erasure(session, case.id) is not None:
        raise refused("pending_exists")
    assert staff_id is not None  # check_admin found the account
    erasure = CaseErasure(
        case_id=case.id,
        state=ErasureState.PENDING,
        reason=why,
        requested_by=staff_id,
        requested_at=now,
        twilio_records=0,
    )
    session.add(erasure)
    session.flush()
    _audit(session, now, staff_id, case.id, AuditMessage.ERASURE_REQUESTED, erasure, why=why)
    return erasure


def withdraw_erasure(
    session: Session, now: datetime, case: Case, staff_id: int | None
) -> CaseErasure:
    """Any admin may take back a pending erasure (its record stays, withdrawn); the one
    withdrawn."""
    check_admin(session, staff_id)
    erasure = pending_erasure(session, case.id)
    if erasure is None:
        raise refused("nothing_pending")
    erasure.state = ErasureState.WITHDRAWN
    _audit(session, now, staff_id, case.id, AuditMessage.ERASURE_WITHDRAWN, erasure)
    return erasure


def confirmable_erasure(
    session: Session, now: datetime, case: Case, staff_id: int | None
) -> CaseErasure:
    """The second pair of eyes: the pending erasure, if `staff_id` is another active admin
    and no call of the case is under way."""
    check_admin(session, staff_id)
    check_case(session, case)
    erasure = pending_erasure(session, case.id)
    if erasure is None:
        raise refused("nothing_pending")
    if erasure.requested_by == staff_id:
        raise refused("same_admin")
    live = session.scalar(
        select(func.count())
        .select_from(Call)
        .where(
            Call.case_id == case.id,
            Call.ended_at.is_(None),
            Call.started_at > now - UNDER_WAY_AT_MOST,
        )
    )
    if live:
        raise refused("call_under_way")
    return erasure


def work_fence(session: Session) -> int:
    """The highest work row id now: rows above it were queued by the erasure itself."""
    return session.scalar(select(func.max(WorkItem.id))) or 0


def carry_out(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    case: Case,
    erasure: CaseErasure,
    staff_id: int,
    fence: int,
) -> int:
    """Erase the case (its cancellations already queued above `fence`); the erasure done and
    audited. How many of Twilio's records it asked to be deleted."""
    case_ids = [case.id, *_merged_into(session, case.id)]
    twilio = scrub(session, cipher, now, case_ids, fence)
    erasure.state = ErasureState.DONE
    erasure.confirmed_by, erasure.confirmed_at = staff_id, now
    erasure.twilio_records = twilio
    _audit(
        session,
        now,
        staff_id,
        case.id,
        AuditMessage.ERASURE_CONFIRMED,
        erasure,
        why=erasure.reason,
    )
    return twilio


def scrub(
    session: Session, cipher: DataCipher, now: datetime, case_ids: Sequence[int], fence: int
) -> int:
    """Everything personal of the cases deleted or made anonymous (see the module's
    docstring), Twilio asked to delete its records; how many records were asked for."""
    sids = _call_sids(session, case_ids)
    calls = list(
        session.execute(
            select(Call.id, Call.call_sid, Call.case_id, Call.twilio_deletion_at).where(
                Call.call_sid.in_(sids)
            )
        )
    )
    # Twilio's copies first: the deletions need the SIDs the calls are about to lose
    records = [
        # a leg has no case of its own: its deletion is shown with the case erased
        CallRecord(call.id, call.call_sid, call.case_id or case_ids[0], call.twilio_deletion_at)
        for call in calls
    ]
    twilio = ask_to_delete_calls(session, cipher, now, records)
    messages = list(
        session.execute(
            select(WorkItem.id, WorkItem.reference, WorkItem.case_id).where(
                WorkItem.kind == SEND_SMS,
                WorkItem.case_id.in_(case_ids),
                WorkItem.reference.is_not(None),
            )
        )
    )
    twilio += ask_to_delete_messages(session, cipher, now, messages)
    renamed = {sid: ERASED_SID_PREFIX + secrets.token_hex(16) for sid in sids}
    session.execute(delete(WebhookEvent).where(WebhookEvent.call_sid.in_(sids)))
    session.execute(
        delete(CallOffer).where(or_(CallOffer.call_sid.in_(sids), CallOffer.leg_call_sid.in_(sids)))
    )
    _scrub_calls(session, renamed)
    _scrub_protection(session, case_ids, renamed)
    _scrub_work(session, now, case_ids, renamed, fence)
    _scrub_callbacks(session, case_ids, renamed)
    _scrub_appointments(session, cipher, case_ids)
    session.execute(
        update(Referral)
        .where(Referral.case_id.in_(case_ids))
        .values(follow_up_outcome_encrypted=None)
    )
    session.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(case_ids)))
    session.execute(
        update(AuditEntry)
        .where(
            AuditEntry.case_id.in_(case_ids),
            or_(AuditEntry.message.is_(None), AuditEntry.message.not_in(KEPT_AUDIT_MESSAGES)),
        )
        .values(message=None, params=None)
    )
    session.execute(
        update(Case)
        .where(Case.id.in_(case_ids))
        .values(
            notes_encrypted=None,
            federal_state=None,
            topic=None,
            counsellor_id=None,
            status=CaseStatus.CLOSED,
            closed_at=func.coalesce(Case.closed_at, now),
            anonymised_at=func.coalesce(Case.anonymised_at, now),
            erased_at=now,
            updated_at=now,
        )
    )
    return twilio


# --- inside -------------------------------------------------------------------------------
def _merged_into(session: Session, case_id: int) -> list[int]:
    """Cases merged into this one (the same caller's): their rows moved here, their stubs
    are erased with it."""
    return list(session.scalars(select(Case.id).where(Case.merged_into_id == case_id)))


def _call_sids(session: Session, case_ids: Sequence[int]) -> set[str]:
    """Every call leg of the cases: their calls, the legs rung for them, the counsellors'
    legs of their callbacks and the calls placed as their work."""
    own = set(session.scalars(select(Call.call_sid).where(Call.case_id.in_(case_ids))))
    callbacks = select(Callback.id).where(Callback.case_id.in_(case_ids))
    found = own | set(session.scalars(select(Call.call_sid).where(Call.parent_call_sid.in_(own))))
    found |= set(
        session.scalars(
            select(CallbackAttempt.counsellor_leg_sid).where(
                CallbackAttempt.callback_id.in_(callbacks),
                CallbackAttempt.counsellor_leg_sid.is_not(None),
            )
        )
    )
    found |= set(
        session.scalars(
            select(Callback.call_sid).where(
                Callback.case_id.in_(case_ids), Callback.call_sid.is_not(None)
            )
        )
    )
    found |= set(
        session.scalars(
            select(WorkItem.reference).where(
                WorkItem.case_id.in_(case_ids),
                WorkItem.kind == "place_call",
                WorkItem.reference.is_not(None),
            )
        )
    )
    found |= set(session.scalars(select(CallOffer.leg_call_sid).where(CallOffer.call_sid.in_(own))))
    # the legs those dialled: a callback's leg to the official is the counsellor's leg's child
    found |= set(session.scalars(select(Call.call_sid).where(Call.parent_call_sid.in_(found))))
    return {sid for sid in found if sid and not sid.startswith(ERASED_SID_PREFIX)}


def _scrub_calls(session: Session, renamed: dict[str, str]) -> None:
    rows = session.execute(
        select(Call.id, Call.call_sid, Call.parent_call_sid).where(Call.call_sid.in_(list(renamed)))
    ).all()
    for row in rows:
        session.execute(
            update(Call)
            .where(Call.id == row.id)
            .values(
                call_sid=renamed[row.call_sid],
                parent_call_sid=renamed.get(row.parent_call_sid or ""),
                case_id=None,
                caller_number_encrypted=None,
                caller_hash=None,  # counted for the per-number limit: not after an erasure
                queue_sid=None,
                twilio_deletion_at=func.coalesce(Call.twilio_deletion_at, Call.started_at),
            )
        )


def _scrub_protection(session: Session, case_ids: Sequence[int], renamed: dict[str, str]) -> None:
    """A flood challenge's call renamed like the call. A block of the case's caller stays
    until it ends (protecting the line and the people on it is a legitimate interest the
    erasure does not override, Art. 17(3) and 21(1) DSGVO): it keeps only the number's keyed
    hash, and loses its link to the case."""
    for sid, new in renamed.items():
        session.execute(
            update(CallChallenge).where(CallChallenge.call_sid == sid).values(call_sid=new)
        )
    session.execute(
        update(CallerBlock).where(CallerBlock.case_id.in_(case_ids)).values(case_id=None)
    )


def _scrub_work(
    session: Session,
    now: datetime,
    case_ids: Sequence[int],
    renamed: dict[str, str],
    fence: int,
) -> None:
    """The cases' work before the fence: cancelled if still to do, without payload or
    reference; any call's SID in a key or column replaced. The cancellation mails and the
    deletions at Twilio (above the fence) go out as queued."""
    theirs = or_(
        WorkItem.case_id.in_(case_ids),
        WorkItem.call_sid.in_(list(renamed)),
        *(WorkItem.idempotency_key.contains(sid, autoescape=True) for sid in renamed),
    )
    session.execute(
        update(WorkItem)
        .where(theirs, WorkItem.id <= fence, WorkItem.state.in_(CLAIMABLE))
        .values(state=WorkState.CANCELED, finished_at=now, updated_at=now)
    )
    session.execute(
        update(WorkItem)
        .where(theirs, WorkItem.id <= fence)
        .values(payload_encrypted=None, reference=None, last_error=None)
    )
    rows = session.execute(
        select(WorkItem.id, WorkItem.idempotency_key, WorkItem.call_sid).where(theirs)
    ).all()
    for row in rows:
        key = row.idempotency_key
        for sid, new in renamed.items():
            key = key.replace(sid, new)
        session.execute(
            update(WorkItem)
            .where(WorkItem.id == row.id)
            .values(idempotency_key=key, call_sid=renamed.get(row.call_sid or ""))
        )


def _scrub_callbacks(session: Session, case_ids: Sequence[int], renamed: dict[str, str]) -> None:
    callbacks = select(Callback.id).where(Callback.case_id.in_(case_ids))
    for row in session.execute(
        select(CallbackAttempt.id, CallbackAttempt.counsellor_leg_sid).where(
            CallbackAttempt.callback_id.in_(callbacks),
            CallbackAttempt.counsellor_leg_sid.is_not(None),
        )
    ):
        session.execute(
            update(CallbackAttempt)
            .where(CallbackAttempt.id == row.id)
            .values(counsellor_leg_sid=renamed.get(row.counsellor_leg_sid))
        )
    session.execute(
        update(Callback)
        .where(Callback.case_id.in_(case_ids))
        .values(
            number_encrypted=None,
            number_hash=None,
            token_digest=None,
            call_sid=None,
            line_since=None,
        )
    )


def _scrub_appointments(session: Session, cipher: DataCipher, case_ids: Sequence[int]) -> None:
    """Name, address, number and request digests gone; the manage link's secret, the video
    room and the calendar UID replaced by new random ones nobody holds (the columns need a
    value; the cancellation already queued carries the old UID, as calendars need)."""
    appointments = session.scalars(select(Appointment).where(Appointment.case_id.in_(case_ids)))
    for appointment in appointments:
        appointment.forget_contact()
        token = new_link_token()
        appointment.token_digest = token_digest(token)
        appointment.token_encrypted = cipher.encrypt(token)
        appointment.request_digest = appointment.request_body_digest = None
        if appointment.room is not None:
            appointment.room = secrets.token_hex(16)
        domain = appointment.uid.rpartition("@")[2]
        appointment.uid = f"termin-{secrets.token_hex(16)}@{domain}"
    session.flush()


def _audit(
    session: Session,
    now: datetime,
    staff_id: int,
    case_id: int,
    message: AuditMessage,
    erasure: CaseErasure,
    **params: object,
) -> None:
    record(
        session,
        now,
        staff_id,
        AuditAction.ERASED,
        case_id=case_id,
        message=message,
        params={"id": erasure.id, **params},
    )


@dataclass(frozen=True)
class ErasureShown:
    """A case's erasure as the console and the CLI show it: pending or carried out, who
    asked and who confirmed (their accounts' addresses), why, and Twilio's deletions."""

    id: int
    state: str
    reason: str
    requested_by_id: int
    requested_by: str
    requested_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    twilio: TwilioDeletions

    @property
    def pending(self) -> bool:
        return self.state == ErasureState.PENDING


def erasure_shown(session: Session, cipher: DataCipher, case_id: int) -> ErasureShown | None:
    """The case's erasure carried out, else the one pending; None when none is."""
    erasure = last_erasure(session, case_id)
    if erasure is None:
        return None
    return ErasureShown(
        id=erasure.id,
        state=erasure.state,
        reason=erasure.reason,
        requested_by_id=erasure.requested_by,
        requested_by=_address(session, cipher, erasure.requested_by),
        requested_at=erasure.requested_at,
        confirmed_by=(
            _address(session, cipher, erasure.confirmed_by)
            if erasure.confirmed_by is not None
            else None
        ),
        confirmed_at=erasure.confirmed_at,
        twilio=deletions_of_case(session, case_id),
    )


def _address(session: Session, cipher: DataCipher, staff_id: int) -> str:
    """A staff account by its address (its number when no configured key opens it)."""
    account = session.get_one(StaffAccount, staff_id)
    return cipher.decrypt_or_none(account.email_encrypted) or str(staff_id)
