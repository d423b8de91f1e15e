"""A case's contact details in the console: masked unless a counsellor reveals one, and a
reveal is in the audit log; what cannot be read cannot be revealed. Through the core's
functions on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.appointments.models import Appointment, BookedVia
from hotline.audit.models import AuditAction, AuditEntry
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.contacts import (
    ContactLine,
    NothingToReveal,
    masked_contacts,
    reveal_contact,
)
from hotline.crypto import DataCipher, generate_key
from tests.support.staff import add_staff

NUMBER = "+4922812345678"
MOBILE = "+4915112345678"
ADDRESS = "amt@example.org"


def give_contacts(svc, clock, case_id: int, counsellor_id: int) -> tuple[int, int]:
    """A callback with a number and an appointment with a number and an address; their ids."""
    now = clock.now()
    with svc.database.transaction() as session:
        callback = Callback(
            case_id=case_id,
            state=CallbackState.BOOKED,
            number_encrypted=svc.cipher.encrypt(NUMBER),
            created_at=now,
            updated_at=now,
        )
        appointment = Appointment(
            case_id=case_id,
            counsellor_id=counsellor_id,
            start=now + timedelta(days=1),
            end=now + timedelta(days=1, minutes=45),
            email_encrypted=svc.cipher.encrypt(ADDRESS),
            phone_encrypted=svc.cipher.encrypt(MOBILE),
            token_digest="d" * 64,
            token_encrypted=svc.cipher.encrypt("token"),
            room="room",
            uid="uid@example.org",
            booked_via=BookedVia.WEB,
            created_at=now,
            updated_at=now,
        )
        session.add_all([callback, appointment])
        session.flush()
        return callback.id, appointment.id


def revealed_entries(svc) -> list[tuple[int | None, int | None, str]]:
    with svc.database.reading() as session:
        return [
            (entry.staff_id, entry.case_id, entry.detail)
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.action == AuditAction.REVEALED)
            )
        ]


def test_contact_details_are_masked_and_reading_them_so_is_not_a_reveal(
    svc, clock, create_case, create_counsellor
):
    case = create_case()
    cb, ap = give_contacts(svc, clock, case.id, create_counsellor("Anna").id)
    with svc.database.transaction() as session:
        lines = masked_contacts(session, svc.cipher, case.id)
    assert lines == [
        ContactLine(f"callback-{cb}-phone", f"Rückruf {cb}: Nummer", "+49228••••••78", False),
        ContactLine(f"appointment-{ap}-phone", f"Termin {ap}: Nummer", "+49151••••••78", False),
        ContactLine(f"appointment-{ap}-email", f"Termin {ap}: E-Mail", "a•••@example.org", False),
    ]
    assert revealed_entries(svc) == []


def test_one_detail_is_revealed_in_full_and_the_audit_log_says_who_saw_which(
    svc, clock, create_case, create_counsellor
):
    case = create_case()
    _, ap = give_contacts(svc, clock, case.id, create_counsellor("Anna").id)
    anna = add_staff(svc, clock, "anna@example.org")
    with svc.database.transaction() as session:
        item = f"appointment-{ap}-email"
        lines = reveal_contact(session, svc.cipher, clock.now(), anna, case.id, item)
    assert [(line.shown, line.revealed) for line in lines] == [
        ("+49228••••••78", False),
        ("+49151••••••78", False),
        (ADDRESS, True),
    ]
    assert revealed_entries(svc) == [(anna, case.id, f"Termin {ap}: E-Mail")]


def test_nothing_is_revealed_nor_recorded_for_an_item_the_case_does_not_hold(
    svc, clock, create_case, create_counsellor
):
    case, other = create_case(), create_case()
    cb, _ = give_contacts(svc, clock, other.id, create_counsellor("Anna").id)
    anna = add_staff(svc, clock, "anna@example.org")
    for item in (f"callback-{cb}-phone", "callback-x-phone", ""):  # another case's; none
        with pytest.raises(NothingToReveal), svc.database.transaction() as session:
            reveal_contact(session, svc.cipher, clock.now(), anna, case.id, item)
    assert revealed_entries(svc) == []


def test_a_detail_no_configured_key_opens_is_unreadable_and_cannot_be_revealed(
    svc, clock, create_case, create_counsellor
):
    case = create_case()
    cb, _ = give_contacts(svc, clock, case.id, create_counsellor("Anna").id)
    anna = add_staff(svc, clock, "anna@example.org")
    with svc.database.transaction() as session:
        stored = session.get(Callback, cb)
        stored.number_encrypted = DataCipher([generate_key()]).encrypt(NUMBER)

    with svc.database.transaction() as session:
        (first, *_) = masked_contacts(session, svc.cipher, case.id)
    assert first == ContactLine(
        f"callback-{cb}-phone",
        f"Rückruf {cb}: Nummer",
        "(unlesbar: Schlüssel fehlt)",
        False,
        readable=False,
    )
    with pytest.raises(NothingToReveal), svc.database.transaction() as session:
        reveal_contact(session, svc.cipher, clock.now(), anna, case.id, f"callback-{cb}-phone")
    assert revealed_entries(svc) == []
