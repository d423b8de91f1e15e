"""Cases in the console through HTTP: a call's case with its timeline, finding a case by its
reference, status, responsibility, description, merging, and revealing a number (audited)."""

from __future__ import annotations

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.cases.models import Case, CaseStatus
from hotline.cases.references import display_case_reference
from hotline.staff.models import StaffRole
from hotline.telephony.models import Call
from hotline.telephony.phone_numbers import mask
from tests.support.callbacks import SATURDAY_BOOKING
from tests.support.staff import add_staff, log_in, post_form
from tests.support.times import berlin
from tests.support.twilio import CALLER


def only_case(svc) -> Case:
    with svc.database.transaction() as session:
        return session.scalars(select(Case)).one()


def audit(svc, action: AuditAction) -> list[AuditEntry]:
    with svc.database.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def logged_in(client, svc, clock, role=StaffRole.COUNSELLOR, counsellor=None):
    add_staff(svc, clock, "anna@example.org", role, counsellor=counsellor)
    assert log_in(client, "anna@example.org").status_code == 302


def test_a_call_makes_a_case_that_shows_in_the_console_with_its_timeline(
    simulate_call, create_counsellor, client, svc, clock
):
    create_counsellor("Anna")
    simulate_call(["-", "-"], counsellors=["accept"])
    case = only_case(svc)
    logged_in(client, svc, clock)

    listing = client.get("/staff/cases").get_data(as_text=True)
    assert display_case_reference(case.reference) in listing and "neu" in listing
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert f"Fall {display_case_reference(case.reference)}" in page
    assert "Anruf: verbunden; gewartet" in page and "gesprochen" in page
    assert CALLER not in page
    viewed = audit(svc, AuditAction.VIEWED)
    assert [entry.case_id for entry in viewed] == [case.id]


def test_a_case_is_found_by_its_reference_with_or_without_the_space(
    client, svc, clock, create_case
):
    opened = create_case()
    logged_in(client, svc, clock)
    for typed in (
        opened.reference,
        display_case_reference(opened.reference),
        f" {opened.reference[:4]}-{opened.reference[4:]} ",
    ):
        response = client.get("/staff/cases", query_string={"q": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"] == f"/staff/cases/{opened.reference}"
    wrong_digit = opened.reference[:-1] + str((int(opened.reference[-1]) + 1) % 10)
    missing = client.get("/staff/cases", query_string={"q": wrong_digit})
    assert missing.status_code == 200
    assert "Kein Fall mit dieser Nummer" in missing.get_data(as_text=True)


def test_status_responsibility_and_description_are_changed_and_on_the_timeline(
    client, svc, clock, create_case, create_counsellor
):
    anna = create_counsellor("Anna")
    opened = create_case()
    logged_in(client, svc, clock, counsellor="Anna")
    page = f"/staff/cases/{opened.reference}"

    post_form(client, page, f"{page}/assign", {"counsellor": str(anna.id)})
    post_form(
        client,
        page,
        f"{page}/describe",
        {"federal_state": "NW", "topic": "threat", "notes": "Drohbrief im Briefkasten"},
    )
    post_form(client, page, f"{page}/status", {"status": "closed"})

    case = only_case(svc)
    assert case.counsellor_id == anna.id and case.status == CaseStatus.CLOSED
    assert case.federal_state == "NW" and case.topic == "threat"
    assert case.closed_at == clock.now()
    assert b"Drohbrief" not in case.notes_encrypted  # kept encrypted
    html = client.get(page).get_data(as_text=True)
    assert "Zuständig: Anna" in html and "Status: in Bearbeitung → abgeschlossen" in html
    assert "Angaben geändert: Bundesland, Thema, Notizen" in html and "Drohbrief" in html
    assert "(Anna)" in html  # who did it
    filtered = client.get("/staff/cases?status=closed&state=NW").get_data(as_text=True)
    assert display_case_reference(opened.reference) in filtered
    other = client.get("/staff/cases?status=new").get_data(as_text=True)
    assert display_case_reference(opened.reference) not in other


def test_a_change_without_its_csrf_token_changes_nothing(client, svc, clock, create_case):
    opened = create_case()
    logged_in(client, svc, clock)
    response = client.post(f"/staff/cases/{opened.reference}/status", data={"status": "closed"})
    assert response.status_code == 302
    assert only_case(svc).status == CaseStatus.NEW
    assert "Formular war veraltet" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_wrong_values_are_refused_with_a_message(client, svc, clock, create_case):
    opened = create_case()
    logged_in(client, svc, clock)
    page = f"/staff/cases/{opened.reference}"
    response = post_form(client, page, f"{page}/describe", {"federal_state": "XX", "notes": ""})
    assert "Unbekanntes Bundesland" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert post_form(client, page, f"{page}/nonsense", {}).status_code == 404
    assert only_case(svc).federal_state is None


def test_two_cases_of_one_caller_are_merged(simulate_call, create_counsellor, client, svc, clock):
    create_counsellor("Anna")
    simulate_call(["-", "-"])
    simulate_call(["-", "-"])
    with svc.database.transaction() as session:
        first, second = session.scalars(select(Case).order_by(Case.id)).all()
    logged_in(client, svc, clock)
    page = f"/staff/cases/{first.reference}"
    post_form(client, page, f"{page}/merge", {"other": display_case_reference(second.reference)})
    with svc.database.transaction() as session:
        inbound = select(Call).where(Call.direction == "inbound")
        assert {call.case_id for call in session.scalars(inbound)} == {first.id}
        merged = session.get(Case, second.id)
        assert merged.merged_into_id == first.id and merged.status == CaseStatus.CLOSED
    html = client.get(page).get_data(as_text=True)
    assert html.count("Anruf: verbunden") == 2
    assert f"Fall {display_case_reference(second.reference)} hierher zusammengeführt" in html
    again = post_form(client, page, f"{page}/merge", {"other": second.reference})
    assert "bereits zusammengeführt" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_number_is_masked_until_revealed_and_the_reveal_is_audited(
    simulate_call, create_counsellor, client, svc, clock
):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 28, 11, 0))  # Saturday: the caller books a callback
    simulate_call(SATURDAY_BOOKING)
    case = only_case(svc)
    logged_in(client, svc, clock)
    page = f"/staff/cases/{case.reference}"
    html = client.get(page).get_data(as_text=True)
    assert CALLER not in html and mask(CALLER) in html
    assert "Rückruf gebucht für 30.11.2026, 09:00 Uhr" in html  # Berlin time, as it was booked
    item = "callback-1-phone"
    assert f'value="{item}"' in html
    revealed = post_form(client, page, f"{page}/reveal", {"item": item})
    assert revealed.status_code == 200 and CALLER in revealed.get_data(as_text=True)
    entries = audit(svc, AuditAction.REVEALED)
    assert [(e.case_id, e.detail) for e in entries] == [(case.id, "Rückruf 1: Nummer")]
    assert CALLER not in client.get(page).get_data(as_text=True)  # shown once, not kept open
    unknown = post_form(client, page, f"{page}/reveal", {"item": "callback-99-phone"})
    assert unknown.status_code == 404
    assert len(audit(svc, AuditAction.REVEALED)) == 1
