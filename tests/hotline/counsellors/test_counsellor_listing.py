"""Counsellors as the console lists them (numbers masked, never in full) and puts them on or
off duty, through the core's functions on a real database."""

from __future__ import annotations

import pytest

from hotline.counsellors.listing import counsellor_names, counsellor_rows
from hotline.counsellors.models import Counsellor, OffDutyReason
from hotline.counsellors.service import CounsellorNotFound, counsellor_with_id, switch_duty
from hotline.crypto import DataCipher, generate_key
from tests.support.staff import add_staff


def test_counsellors_are_listed_by_name_with_the_number_masked(svc, clock, create_counsellor):
    create_counsellor("Ben Yilmaz", phone="+49 228 7654321", on_duty=False, languages="de,en")
    anna = create_counsellor("Anna Berger", phone="+49 228 1234567")
    add_staff(svc, clock, "ben@example.org", counsellor="Ben Yilmaz")
    with svc.database.transaction() as session:
        session.get(Counsellor, anna.id).display_name = "Frau Berger"

    with svc.database.reading() as session:
        rows = counsellor_rows(session, svc.cipher)

    assert [(r.name, r.number, r.on_duty, r.has_account) for r in rows] == [
        ("Anna Berger", "+49228•••••67", True, False),
        ("Ben Yilmaz", "+49228•••••21", False, True),
    ]
    assert [(r.display_name, r.shown_name, r.languages) for r in rows] == [
        ("Frau Berger", "Frau Berger", "de"),
        (None, "Ben", "de,en"),
    ]
    assert "1234567" not in repr(rows) and "7654321" not in repr(rows)


def test_a_number_no_configured_key_opens_is_listed_as_unreadable(svc, create_counsellor):
    anna = create_counsellor("Anna Berger")
    with svc.database.transaction() as session:
        stored = session.get(Counsellor, anna.id)
        stored.phone_encrypted = DataCipher([generate_key()]).encrypt("+4922812345678")
    with svc.database.reading() as session:
        (row,) = counsellor_rows(session, svc.cipher)
    assert row.number == "(unlesbar: Schlüssel fehlt)"


def test_counsellors_to_choose_from_are_named_by_id_in_the_order_of_their_names(
    svc, create_counsellor
):
    ben = create_counsellor("Ben Yilmaz")
    anna = create_counsellor("Anna Berger")
    with svc.database.reading() as session:
        assert counsellor_names(session) == [(anna.id, "Anna Berger"), (ben.id, "Ben Yilmaz")]
        assert counsellor_with_id(session, ben.id).name == "Ben Yilmaz"
        with pytest.raises(CounsellorNotFound):
            counsellor_with_id(session, ben.id + anna.id + 1)


def test_going_on_duty_is_a_fresh_start_and_an_unknown_counsellor_is_refused(
    svc, clock, create_counsellor
):
    anna = create_counsellor("Anna Berger", on_duty=False)
    with svc.database.transaction() as session:
        stored = session.get(Counsellor, anna.id)
        stored.passes_in_a_row = 3
        stored.off_duty_code = OffDutyReason.MISSED_OFFERS
        stored.off_duty_params = {"passes": 3, "at": clock.now().isoformat()}

    with svc.database.transaction() as session:
        switch_duty(session, anna.id, True, clock.now())
    with svc.database.reading() as session:
        stored = session.get(Counsellor, anna.id)
        assert stored.on_duty and stored.passes_in_a_row == 0 and stored.off_duty_reason is None

    with svc.database.transaction() as session:
        switch_duty(session, anna.id, False, clock.now())
    with svc.database.reading() as session:
        assert not session.get(Counsellor, anna.id).on_duty

    with pytest.raises(CounsellorNotFound), svc.database.transaction() as session:
        switch_duty(session, anna.id + 1, True, clock.now())
