"""The audit log as the Verwaltung reads it: filtered by account, action and a case number
as staff type it, each entry with who acted and which case it touched."""

from __future__ import annotations

from datetime import timedelta

from hotline.audit.listing import audit_listing
from hotline.audit.log import AuditFilter, record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.cases.references import display_case_reference
from hotline.staff.models import StaffRole
from tests.support.staff import add_staff


def test_entries_are_read_newest_first_with_who_acted_and_the_case(svc, clock, create_case):
    opened = create_case()
    admin = add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    anna = add_staff(svc, clock, "anna@example.org")
    with svc.database.transaction() as session:
        record(session, clock.now(), anna, AuditAction.VIEWED, case_id=opened.id)
        record(
            session,
            clock.now() + timedelta(minutes=1),
            admin,
            AuditAction.ADMIN,
            message=AuditMessage.OFFER_SAVED,
            params={"id": 7},
        )
        record(session, clock.now() + timedelta(minutes=2), None, AuditAction.LOGIN_FAILED)

    with svc.database.reading() as session:
        listing = audit_listing(session, svc.cipher, AuditFilter())

    assert [(line.by, line.action, line.case_reference, line.detail) for line in listing.lines] == [
        (None, "login_failed", None, ""),
        ("chefin@example.org", "admin", None, "Angebot 7 gespeichert"),
        ("anna@example.org", "viewed", opened.reference, ""),
    ]
    assert listing.accounts == {admin: "chefin@example.org", anna: "anna@example.org"}


def test_entries_are_filtered_by_account_action_and_a_typed_case_number(svc, clock, create_case):
    first, second = create_case(), create_case()
    anna = add_staff(svc, clock, "anna@example.org")
    ben = add_staff(svc, clock, "ben@example.org")
    with svc.database.transaction() as session:
        for staff_id in (anna, ben):
            for case in (first, second):
                record(session, clock.now(), staff_id, AuditAction.VIEWED, case_id=case.id)
            record(session, clock.now(), staff_id, AuditAction.LOGIN)

    def read(wanted: AuditFilter, typed_case: str = "") -> list[tuple[str | None, str | None]]:
        with svc.database.reading() as session:
            listing = audit_listing(session, svc.cipher, wanted, typed_case=typed_case)
        return sorted((line.by, line.case_reference) for line in listing.lines)

    typed = f" {display_case_reference(second.reference)} "
    assert read(AuditFilter(staff_id=ben, action=AuditAction.VIEWED), typed) == [
        ("ben@example.org", second.reference)
    ]
    assert read(AuditFilter(action=AuditAction.LOGIN)) == [
        ("anna@example.org", None),
        ("ben@example.org", None),
    ]
    wrong_digit = second.reference[:-1] + str((int(second.reference[-1]) + 1) % 10)
    assert read(AuditFilter(), wrong_digit) == []  # names no case: no entries, not all
    assert read(AuditFilter(), "kein Fall") == []


def test_no_more_entries_are_read_than_the_limit(svc, clock):
    anna = add_staff(svc, clock, "anna@example.org")
    with svc.database.transaction() as session:
        for minute in range(5):
            at = clock.now() + timedelta(minutes=minute)
            record(
                session,
                at,
                anna,
                AuditAction.CHANGED,
                message=AuditMessage.OFFER_SAVED,
                params={"id": minute},
            )
    with svc.database.reading() as session:
        listing = audit_listing(session, svc.cipher, AuditFilter(), limit=2)
    assert [line.detail for line in listing.lines] == [
        "Angebot 4 gespeichert",
        "Angebot 3 gespeichert",
    ]
