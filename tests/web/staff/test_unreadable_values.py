"""A value stored under a data key that is no longer configured (dropped from
HOTLINE_DATA_KEY too early) shows as unreadable; the console's pages still work, nothing
unreadable can be revealed, and nothing unreadable is overwritten unasked (the key may be put
back)."""

from __future__ import annotations

from sqlalchemy import func, select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher, generate_key
from hotline.outbox.models import WorkItem
from hotline.staff.models import StaffAccount, StaffRole
from tests.support.callbacks import SATURDAY_BOOKING
from tests.support.staff import add_staff, log_in, post_form
from tests.support.times import berlin
from tests.support.twilio import CALLER

UNREADABLE = "unlesbar: Schlüssel fehlt"
FORGOTTEN_KEY = DataCipher([generate_key()])


def store_under_a_forgotten_key(svc) -> Case:
    """The callback's number, the case's notes, the counsellor's phone and the staff
    addresses, as if written with a key since removed."""
    with svc.database.transaction() as session:
        case = session.scalars(select(Case)).one()
        case.notes_encrypted = FORGOTTEN_KEY.encrypt("alte Notiz")
        for callback in session.scalars(select(Callback)):
            callback.number_encrypted = FORGOTTEN_KEY.encrypt(CALLER)
        for counsellor in session.scalars(select(Counsellor)):
            counsellor.phone_encrypted = FORGOTTEN_KEY.encrypt("+4922899999999")
        for account in session.scalars(select(StaffAccount)):
            account.email_encrypted = FORGOTTEN_KEY.encrypt("anna@example.org")
        return case


def test_unreadable_values_show_as_such_and_the_pages_still_work(
    simulate_call, create_counsellor, client, svc, clock
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday: the caller books a callback
    simulate_call(SATURDAY_BOOKING)
    add_staff(svc, clock, "anna@example.org", StaffRole.ADMIN)
    assert log_in(client, "anna@example.org").status_code == 302
    case = store_under_a_forgotten_key(svc)
    page = f"/staff/cases/{case.reference}"

    html = client.get(page).get_data(as_text=True)
    assert UNREADABLE in html and "können nicht gelesen werden" in html
    assert 'value="callback-1-phone"' not in html  # nothing to reveal
    assert CALLER not in html and "alte Notiz" not in html
    refused = post_form(client, page, f"{page}/reveal", {"item": "callback-1-phone"})
    assert refused.status_code == 404
    with svc.database.transaction() as session:
        revealed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.REVEALED)
        ).all()
    assert revealed == []

    for admin_page in ("/staff/", "/staff/admin/staff", "/staff/admin/counsellors"):
        response = client.get(admin_page)
        assert response.status_code == 200, admin_page
    assert UNREADABLE in client.get("/staff/admin/counsellors").get_data(as_text=True)
    assert UNREADABLE in client.get("/staff/admin/staff").get_data(as_text=True)
    assert client.get("/staff/admin/audit").status_code == 200


def test_unreadable_notes_are_kept_unless_replaced_and_block_a_merge(
    simulate_call, create_counsellor, create_case, client, svc, clock
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call(SATURDAY_BOOKING)
    case = store_under_a_forgotten_key(svc)
    stored = case.notes_encrypted
    other = create_case()
    add_staff(svc, clock, "bea@example.org")
    assert log_in(client, "bea@example.org").status_code == 302
    page = f"/staff/cases/{case.reference}"

    post_form(client, page, f"{page}/describe", {"federal_state": "NW", "notes": ""})
    with svc.database.transaction() as session:
        kept = session.get(Case, case.id)
        assert kept.federal_state == "NW" and kept.notes_encrypted == stored

    refused = post_form(
        client, page, f"{page}/merge", {"other": display_case_reference(other.reference)}
    )
    message = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Nicht zusammengeführt" in message
    with svc.database.transaction() as session:
        assert session.get(Case, other.id).merged_into_id is None

    post_form(client, page, f"{page}/describe", {"federal_state": "NW", "notes": "neu notiert"})
    html = client.get(page).get_data(as_text=True)
    assert "neu notiert" in html and "können nicht gelesen werden" not in html


def test_call_back_now_with_an_unreadable_own_number_is_refused_and_rings_nobody(
    simulate_call, create_counsellor, client, svc, clock
):
    create_counsellor("Anna", phone="+49 228 1111111", on_duty=True)
    clock.set(berlin(2026, 11, 28, 11, 0))
    simulate_call(SATURDAY_BOOKING)
    clock.set(berlin(2026, 11, 30, 8, 30))
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    assert log_in(client, "anna@example.org").status_code == 302
    with svc.database.transaction() as session:
        counsellor = session.scalars(select(Counsellor)).one()
        counsellor.phone_encrypted = FORGOTTEN_KEY.encrypt("+492281111111")
        callback = session.scalars(select(Callback)).one()
        rings_before = session.scalars(select(func.count()).select_from(WorkItem)).one()

    response = post_form(client, "/staff/callbacks", f"/staff/callbacks/{callback.id}/call", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ihre Telefonnummer ist nicht lesbar" in page
    with svc.database.transaction() as session:
        assert session.scalars(select(func.count()).select_from(WorkItem)).one() == rings_before
        assert session.get(Callback, callback.id).state == CallbackState.BOOKED
