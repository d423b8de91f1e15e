"""A case as the console's case page reads it: everything the page shows, read in one
transaction that also records who looked (or which detail they revealed). Through the core's
functions on a real database."""

from __future__ import annotations

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.cases.case_file import read_case_file
from hotline.cases.changes import CaseDesk
from hotline.cases.models import Case
from hotline.referrals.directory import checked_offer, save_offer
from tests.support.staff import add_staff


def desk(session, svc, clock, staff_id: int) -> CaseDesk:
    return CaseDesk(session, clock.now(), staff_id, svc.cipher)


def audit(svc) -> list[tuple[str, int | None, int | None]]:
    with svc.database.reading() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(entry.action, entry.staff_id, entry.case_id) for entry in entries]


def test_a_case_file_holds_what_the_page_shows_and_reading_it_is_audited(
    svc, clock, create_case, create_counsellor
):
    opened = create_case()
    anna = create_counsellor("Anna Berger")
    staff_id = add_staff(svc, clock, "anna@example.org", counsellor="Anna Berger")
    with svc.database.transaction() as session:
        offer, _ = save_offer(
            session,
            checked_offer({"name": "BEISPIEL Rechtsrat", "region": "BUND", "category": "legal"}),
            clock.now(),
        )
        case = session.get(Case, opened.id)
        changes = desk(session, svc, clock, staff_id)
        changes.describe(case, federal_state="NW", topic=None, notes="ruft abends an")
        changes.assign(case, anna)

    with svc.database.transaction() as session:
        case = session.get(Case, opened.id)
        read = read_case_file(desk(session, svc, clock, staff_id), case)

    assert read.case.reference == opened.reference and read.case.federal_state == "NW"
    assert read.notes == "ruft abends an" and read.merged_into is None
    assert read.contacts == [] and read.referrals == []
    assert [o.name for o in read.offers] == [offer.name]
    assert read.counsellors == [(anna.id, "Anna Berger")]
    kinds = {entry.kind for entry in read.timeline}
    assert kinds == {"details_changed", "assigned", "status_changed"}  # assigned: in progress
    assert audit(svc)[-1] == (AuditAction.VIEWED, staff_id, opened.id)


def test_a_merged_case_names_the_case_it_was_merged_into(svc, clock, create_case):
    duplicate, kept = create_case(), create_case()
    staff_id = add_staff(svc, clock, "anna@example.org")
    with svc.database.transaction() as session:
        desk(session, svc, clock, staff_id).merge(
            session.get(Case, duplicate.id), session.get(Case, kept.id)
        )
    with svc.database.transaction() as session:
        read = read_case_file(desk(session, svc, clock, staff_id), session.get(Case, duplicate.id))
    assert read.merged_into == kept.reference
