"""The admin pages through HTTP: accounts, duty, opening-hours overrides, the directory, and
the audit log (readable and filterable, never editable)."""

from __future__ import annotations

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.counsellors.models import Counsellor
from hotline.hours.models import HoursOverrideEntry
from hotline.referrals.models import SupportOffer
from hotline.staff.accounts import find_account
from hotline.staff.models import StaffRole
from tests.support.staff import add_staff, log_in, post_form


def as_admin(client, svc, clock) -> None:
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")


def test_an_admin_adds_and_disables_an_account_whose_session_then_ends(client, svc, clock, app):
    as_admin(client, svc, clock)
    added = post_form(
        client,
        "/staff/admin/staff",
        "/staff/admin/staff",
        {"email": "neu@example.org", "role": "counsellor", "password": "x" * 12},
    )
    assert "Konto angelegt" in client.get(added.headers["Location"]).get_data(as_text=True)
    other = app.test_client()
    assert log_in(other, "neu@example.org", "x" * 12).status_code == 302
    with svc.database.transaction() as session:
        account_id = find_account(session, "neu@example.org").id
    post_form(client, "/staff/admin/staff", f"/staff/admin/staff/{account_id}/disable", {})
    assert other.get("/staff/").status_code == 302
    html = client.get("/staff/admin/staff").get_data(as_text=True)
    assert "deaktiviert" in html
    short = post_form(
        client,
        "/staff/admin/staff",
        "/staff/admin/staff",
        {"email": "kurz@example.org", "role": "admin", "password": "kurz"},
    )
    assert "mindestens 12 Zeichen" in client.get(short.headers["Location"]).get_data(as_text=True)
    me = post_form(client, "/staff/admin/staff", "/staff/admin/staff/1/disable", {})
    assert "eigene Konto" in client.get(me.headers["Location"]).get_data(as_text=True)


def test_an_admin_puts_a_counsellor_on_duty(client, svc, clock, create_counsellor):
    jonas = create_counsellor("Jonas", on_duty=False)
    as_admin(client, svc, clock)
    post_form(
        client,
        "/staff/admin/counsellors",
        f"/staff/admin/counsellors/{jonas.id}/duty",
        {"on_duty": "1"},
    )
    with svc.database.transaction() as session:
        assert session.get(Counsellor, jonas.id).on_duty


def test_a_counsellor_switches_their_own_duty(client, svc, clock, create_counsellor):
    anna = create_counsellor("Anna", on_duty=False)
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")
    assert "Dienst beginnen" in client.get("/staff/").get_data(as_text=True)
    post_form(client, "/staff/", "/staff/duty", {"on_duty": "1"})
    page = client.get("/staff/").get_data(as_text=True)
    assert "Sie sind jetzt im Dienst" in page and "Dienst beenden" in page
    with svc.database.transaction() as session:
        assert session.get(Counsellor, anna.id).on_duty


def test_an_admin_closes_the_line_for_a_meeting_and_opens_it_again(client, svc, clock):
    as_admin(client, svc, clock)
    post_form(
        client,
        "/staff/admin/hours",
        "/staff/admin/hours",
        {"is_open": "0", "until": "2026-11-26T14:00", "note": "Teamsitzung"},
    )
    with svc.database.transaction() as session:
        entry = session.scalars(select(HoursOverrideEntry)).one()
        assert not entry.is_open and entry.note == "Teamsitzung"
    assert "Teamsitzung" in client.get("/staff/admin/hours").get_data(as_text=True)
    past = post_form(
        client,
        "/staff/admin/hours",
        "/staff/admin/hours",
        {"is_open": "0", "until": "2026-11-25T14:00", "note": "gestern"},
    )
    assert "in der Zukunft" in client.get(past.headers["Location"]).get_data(as_text=True)
    post_form(client, "/staff/admin/hours", "/staff/admin/hours", {"action": "clear"})
    with svc.database.transaction() as session:
        assert session.scalars(select(HoursOverrideEntry)).one().cleared_at is not None


def test_admins_edit_the_directory_and_counsellors_only_read_it(client, svc, clock, app):
    as_admin(client, svc, clock)
    post_form(
        client,
        "/staff/offers",
        "/staff/offers",
        {
            "name": "BEISPIEL Rechtsrat",
            "region": "BUND",
            "category": "legal",
            "web_url": "https://example.org/recht",
            "contact": "",
            "last_checked": "2026-11-01",
        },
    )
    bad = post_form(
        client,
        "/staff/offers",
        "/staff/offers",
        {"name": "X", "region": "BY", "category": "legal", "web_url": "ftp://x"},
    )
    assert "https://" in client.get(bad.headers["Location"]).get_data(as_text=True)
    with svc.database.transaction() as session:
        (offer,) = session.scalars(select(SupportOffer)).all()
    edit = client.get(f"/staff/offers?edit={offer.id}").get_data(as_text=True)
    assert "Angebot bearbeiten" in edit
    post_form(
        client,
        "/staff/offers",
        "/staff/offers",
        {
            "id": str(offer.id),
            "name": "BEISPIEL Rechtsrat",
            "region": "BUND",
            "category": "legal",
            "contact": "Mo–Fr",
        },
    )
    with svc.database.transaction() as session:
        assert session.get(SupportOffer, offer.id).contact == "Mo–Fr"

    counsellor = app.test_client()
    add_staff(svc, clock, "anna@example.org")
    log_in(counsellor, "anna@example.org")
    page = counsellor.get("/staff/offers").get_data(as_text=True)
    assert "BEISPIEL Rechtsrat" in page and "Angebot hinzufügen" not in page
    refused = post_form(
        counsellor,
        "/staff/offers",
        "/staff/offers",
        {"name": "Y", "region": "BY", "category": "legal"},
    )
    assert refused.status_code == 403


def test_the_audit_log_is_read_and_filtered_and_offers_no_way_to_edit_it(
    client, svc, clock, create_case
):
    opened = create_case()
    add_staff(svc, clock, "anna@example.org")
    other = client.application.test_client()
    log_in(other, "anna@example.org")
    other.get(f"/staff/cases/{opened.reference}")
    as_admin(client, svc, clock)
    page = client.get("/staff/admin/audit?action=viewed").get_data(as_text=True)
    assert "anna@example.org" in page and "Fall angesehen" in page
    assert "Anmeldung</td>" not in page
    by_case = client.get(f"/staff/admin/audit?case={opened.reference[:4]} {opened.reference[4:]}")
    assert "Fall angesehen" in by_case.get_data(as_text=True)
    assert '<form method="post"' not in page.split('id="audit"')[1]
    for method in (client.post, client.put, client.delete):
        assert method("/staff/admin/audit").status_code == 405
    with svc.database.transaction() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {AuditAction.LOGIN, AuditAction.VIEWED} <= actions


def test_an_admin_sets_a_counsellors_windows_and_an_absence(client, svc, clock, create_counsellor):
    from scheduling.availability.service import absences_of, windows_of

    anna = create_counsellor("Anna")
    as_admin(client, svc, clock)
    page = f"/staff/admin/counsellors/{anna.id}/availability"
    assert "Verfügbarkeit" in client.get("/staff/admin/counsellors").get_data(as_text=True)
    post_form(
        client,
        page,
        page,
        {"windows": "mon=09:00-12:00 wed=13:00-16:00", "arranged": "tue=17:00-19:00"},
    )
    post_form(
        client,
        page,
        page,
        {"action": "absence", "first": "2026-12-21", "last": "2026-12-23", "note": "Urlaub"},
    )
    html = client.get(page).get_data(as_text=True)
    assert 'value="mon=09:00-12:00 wed=13:00-16:00"' in html and "tue=17:00-19:00" in html
    assert "21.12.2026 bis 23.12.2026 (Urlaub)" in html
    wrong = post_form(client, page, page, {"windows": "montags 9 bis 12", "arranged": ""})
    assert "mon=09:00-12:00" in client.get(wrong.headers["Location"]).get_data(as_text=True)
    with svc.database.transaction() as session:
        assert [str(w) for w in windows_of(session, anna.id)] == [
            "mon=09:00-12:00",
            "wed=13:00-16:00",
        ]
        assert len(absences_of(session, anna.id, clock.now().date())) == 1
    assert client.get("/staff/admin/counsellors/999/availability").status_code == 404
