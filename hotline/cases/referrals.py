"""Referrals to support offers and their follow-up.

Recording a referral queues its follow-up as work for the morning of the follow-up day (09:00
local time). When it falls due and no outcome was recorded yet, the case shows
`follow_up_due` and the assigned counsellor gets a reminder mail (no personal data in it: the
reference and a link to the console). Recording the outcome ends the follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.cases.changes import note_audited_change, refused
from hotline.cases.event_texts import VARIANT
from hotline.cases.events import CaseEventKind, note_on_case
from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import display_case_reference
from hotline.cases.vocabulary import REGIONS
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.outbox import queue, side_effects
from hotline.outbox.kinds import Done, WorkKind, WorkTools
from hotline.outbox.queue import ClaimedWork, Work
from hotline.referrals.models import Referral, SupportOffer
from hotline.staff.models import StaffAccount
from hotline.texts import text

FOLLOW_UP = "referral_follow_up"
REMINDER_TIME = time(9, 0)
LONGEST_OUTCOME = 500


@dataclass
class ReferralDesk:
    session: Session
    now: datetime
    staff_id: int | None
    cipher: DataCipher
    timezone: ZoneInfo

    def refer(self, case: Case, offer_id: int, follow_up_on: date | None) -> Referral:
        offer = self.session.get(SupportOffer, offer_id)
        if offer is None:
            raise refused("no_such_offer")
        if case.merged_into_id is not None or case.status == CaseStatus.CLOSED:
            raise refused("closed")
        today = self.now.astimezone(self.timezone).date()
        if follow_up_on is not None and follow_up_on <= today:
            raise refused("follow_up_not_after_today")
        referral = Referral(
            case_id=case.id,
            offer_id=offer.id,
            referred_on=today,
            follow_up_on=follow_up_on,
            staff_id=self.staff_id,
            created_at=self.now,
        )
        self.session.add(referral)
        self.session.flush()
        said: dict[str, object] = {"offer": offer.name, "region": offer.region}
        if follow_up_on is None:
            said[VARIANT] = "without_follow_up"
        else:
            said |= {VARIANT: "with_follow_up", "follow_up": follow_up_on.isoformat()}
            queue.enqueue(self.session, self.cipher, self.now, self._follow_up_work(referral))
        case.status, case.updated_at, case.closed_at = CaseStatus.REFERRED, self.now, None
        note_audited_change(
            self.session, self.now, self.staff_id, case.id, CaseEventKind.REFERRED, said
        )
        return referral

    def record_outcome(self, case: Case, referral_id: int, outcome: str) -> None:
        referral = self.session.get(Referral, referral_id)
        if referral is None or referral.case_id != case.id:
            raise refused("referral_of_another_case")
        outcome = outcome.strip()
        if not outcome:
            raise refused("outcome_missing")
        if len(outcome) > LONGEST_OUTCOME:
            raise refused("outcome_too_long", most=LONGEST_OUTCOME)
        referral.follow_up_outcome_encrypted = self.cipher.encrypt(outcome)
        referral.follow_up_done_at = self.now
        offer = self.session.get(SupportOffer, referral.offer_id)
        # the outcome may name people: it stays with the referral, encrypted, not on the
        # timeline
        said = {"offer": offer.name if offer else text("cases.offer_gone")}
        if case.status == CaseStatus.FOLLOW_UP_DUE and not _follow_ups_due(self.session, case.id):
            case.status = CaseStatus.REFERRED
        case.updated_at = self.now
        note_on_case(
            self.session, case.id, self.now, CaseEventKind.FOLLOW_UP_DONE, said, self.staff_id
        )
        record(
            self.session,
            self.now,
            self.staff_id,
            AuditAction.CHANGED,
            case_id=case.id,
            message=AuditMessage.FOLLOW_UP_RECORDED,
        )

    def _follow_up_work(self, referral: Referral) -> Work:
        assert referral.follow_up_on is not None
        due = datetime.combine(referral.follow_up_on, REMINDER_TIME, self.timezone)
        return Work(
            FOLLOW_UP,
            f"referral:{referral.id}:follow-up",
            due,
            {"referral_id": referral.id},
            case_id=referral.case_id,
        )


@dataclass(frozen=True)
class ReferralShown:
    """A referral as the case page shows it: the offer, and the outcome opened (None when it
    was anonymised or none was recorded; `unreadable` when no configured key opens it)."""

    referral: Referral
    offer: SupportOffer
    outcome: str | None
    unreadable: bool = False


def referrals_of(session: Session, cipher: DataCipher, case_id: int) -> list[ReferralShown]:
    rows = session.execute(
        select(Referral, SupportOffer)
        .join(SupportOffer, SupportOffer.id == Referral.offer_id)
        .where(Referral.case_id == case_id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    ).all()
    shown = []
    for referral, offer in rows:
        sealed = referral.follow_up_outcome_encrypted
        outcome = cipher.decrypt_or_none(sealed) if sealed is not None else None
        shown.append(
            ReferralShown(referral, offer, outcome, sealed is not None and outcome is None)
        )
    return shown


def _follow_ups_due(session: Session, case_id: int) -> bool:
    return (
        session.scalar(
            select(Referral.id)
            .where(
                Referral.case_id == case_id,
                Referral.follow_up_due_at.is_not(None),
                Referral.follow_up_done_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def do_follow_up(item: ClaimedWork, tools: WorkTools) -> Done:
    """The follow-up day has come: mark the case and mail the counsellor (as work of its own,
    so a failing SMTP server retries the mail, not the marking)."""
    now = tools.clock.now()
    with tools.database.transaction() as session:
        referral = session.get(Referral, int(item.payload["referral_id"]), with_for_update=True)
        if referral is None or referral.follow_up_done_at is not None:
            return Done("skipped: done")
        case = session.get(Case, referral.case_id)
        if case is None or case.status == CaseStatus.CLOSED:
            return Done("skipped: case closed")
        offer = session.get(SupportOffer, referral.offer_id)
        offer_name = offer.name if offer else text("cases.offer_gone")
        referral.follow_up_due_at = referral.follow_up_due_at or now
        case.status, case.updated_at = CaseStatus.FOLLOW_UP_DUE, now
        note_on_case(session, case.id, now, CaseEventKind.FOLLOW_UP_DUE, {"offer": offer_name})
        address = _reminder_address(session, tools.cipher, case, referral)
        if address is None:
            return Done("due; nobody to mail")
        reference = display_case_reference(case.reference)
        body = text(
            "cases.follow_up_mail.text",
            reference=reference,
            offer=offer_name,
            region=REGIONS.get(offer.region, offer.region) if offer else "",
            referred_on=f"{referral.referred_on:%d.%m.%Y}",
            link=f"{tools.public_base_url.rstrip('/')}/staff/cases/{case.reference}",
        )
        mail = side_effects.send_mail(
            f"referral:{referral.id}:follow-up:mail",
            to=[address],
            subject=text("cases.follow_up_mail.subject", reference=reference),
            text=body,
            due_at=now,
            case_id=case.id,
        )
        queue.enqueue(session, tools.cipher, now, mail)
    return Done("due; mail queued")


def _reminder_address(
    session: Session, cipher: DataCipher, case: Case, referral: Referral
) -> str | None:
    """The assigned counsellor's address; else that of whoever made the referral."""
    if case.counsellor_id is not None:
        counsellor = session.get(Counsellor, case.counsellor_id)
        if counsellor is not None and counsellor.email_encrypted:
            return cipher.decrypt(counsellor.email_encrypted)
        if counsellor is not None and counsellor.staff_id is not None:
            account = session.get(StaffAccount, counsellor.staff_id)
            if account is not None and account.disabled_at is None:
                return cipher.decrypt(account.email_encrypted)
    if referral.staff_id is not None:
        account = session.get(StaffAccount, referral.staff_id)
        if account is not None and account.disabled_at is None:
            return cipher.decrypt(account.email_encrypted)
    return None


CASEWORK_WORK = (WorkKind(FOLLOW_UP, do_follow_up),)
