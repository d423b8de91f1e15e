"""A case as the console's case page shows it: the case, its notes opened, its contact
details masked (one revealed, when asked), its timeline and referrals, and what the page's
forms choose from (the offers of the directory, the counsellors).

Reading it is audited, in the transaction that reads it: the audit log answers "who looked
at this case", and which contact detail they saw in full. Everything is read before the
page is drawn, so that the page is drawn after the transaction has committed."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.audit.log import record
from hotline.audit.models import AuditAction
from hotline.cases.changes import CaseDesk
from hotline.cases.contacts import ContactLine, masked_contacts, reveal_contact
from hotline.cases.models import Case
from hotline.cases.referrals import ReferralShown, referrals_of
from hotline.cases.timeline import TimelineEntry, timeline
from hotline.counsellors.listing import counsellor_names
from hotline.referrals.directory import offers
from hotline.referrals.models import SupportOffer
from hotline.retention.erasure import ErasureShown, erasure_shown
from hotline.retention.twilio_records import TwilioDeletions, deletions_of_case


@dataclass(frozen=True)
class CaseFile:
    case: Case
    merged_into: str | None  # the reference of the case this one was merged into
    notes: str | None  # "" when there are none; None: unreadable (see CaseDesk.notes)
    contacts: list[ContactLine]
    timeline: list[TimelineEntry]  # newest first
    referrals: list[ReferralShown]
    offers: list[SupportOffer]  # the directory, to refer to
    counsellors: list[tuple[int, str]]  # (id, name): who may be made responsible
    erasure: ErasureShown | None  # asked for or carried out (DSGVO Art. 17)
    twilio: TwilioDeletions  # Twilio asked to delete its records of the case's calls and SMS


def read_case_file(desk: CaseDesk, case: Case, *, reveal: str | None = None) -> CaseFile:
    """The case for the staff account acting at `desk`, audited as viewed — or, with
    `reveal` (a contact line's item), as that contact detail revealed: NothingToReveal when
    the case has no readable one of that name."""
    session = desk.session
    if reveal is None:
        contacts = masked_contacts(session, desk.cipher, case.id)
        record(session, desk.now, desk.staff_id, AuditAction.VIEWED, case_id=case.id)
    else:
        contacts = reveal_contact(session, desk.cipher, desk.now, desk.staff_id, case.id, reveal)
    merged_into = session.get(Case, case.merged_into_id) if case.merged_into_id else None
    return CaseFile(
        case=case,
        merged_into=merged_into.reference if merged_into else None,
        notes=desk.notes(case),
        contacts=contacts,
        timeline=timeline(session, case.id),
        referrals=referrals_of(session, desk.cipher, case.id),
        offers=offers(session),
        counsellors=counsellor_names(session),
        erasure=erasure_shown(session, desk.cipher, case.id),
        twilio=deletions_of_case(session, case.id),
    )
