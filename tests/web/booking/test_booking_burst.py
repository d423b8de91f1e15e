"""A burst of bookings (issue 27, item 3): bookings made online within `[abuse]
burst_minutes` that take more than `burst_share` of a week's times hold further bookings:
the admins are mailed, each new booking waits for the booker's confirmation by e-mail link
(double opt-in), until an admin lifts the hold. Every hold and lift is audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hotline.abuse.models import HeldBooking
from hotline.appointments.models import Appointment
from hotline.audit.models import AuditEntry
from hotline.staff.models import StaffRole
from scheduling.scheduler import jobs
from tests.support.appointments import RELAXED_LIMITS, book, free_slots
from tests.support.staff import add_staff, csrf_token, log_in, post_form

LINK = re.compile(r"https://hotline\.example\.org(/termin/bestaetigen/[A-Za-z0-9_-]+)")


@pytest.fixture
def hotline_config(tmp_path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text(RELAXED_LIMITS + "[abuse]\nburst_share = 0.2\nburst_minutes = 60\n")
    return str(path)


def mails_to(smtp, address):
    return [mail.message for mail in smtp.received if address in mail.recipients]


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def week_times(client) -> list[str]:
    """The free times of the week of Monday, 30 November 2026."""
    return [slot["start"] for slot in free_slots(client, **{"from": "2026-11-30", "days": 7})]


def test_a_burst_holds_bookings_until_confirmed_by_mail_and_an_admin_lifts_it(
    client, svc, clock, smtp, smtp_dispatcher, create_counsellor, hotline
):
    create_counsellor("Anna")
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    times = week_times(client)
    needed = int(len(times) * 0.2) + 1  # more than a fifth of the week
    for number in range(needed):
        assert book(client, times[number], email=f"amt{number}@example.org").status_code == 201
    assert "zurückgehalten seit 26.11.2026 10:00" in hotline("bookings", "status").output

    held = book(client, times[needed], email="echt@example.org")

    assert held.status_code == 202 and held.json["held"] is True
    assert "Bitte bestätigen Sie Ihre Buchung mit dem Link" in held.json["message"]
    assert "110" in held.json["message"]
    no_address = book(client, times[needed + 1], type="phone", email=None, phone="0151 23456789")
    assert no_address.status_code == 409 and no_address.json["error"]["code"] == "bookings_held"
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == needed
    smtp_dispatcher.dispatch_until_idle()
    (alert,) = mails_to(smtp, "chefin@example.org")
    assert "Buchungen werden zurückgehalten" in alert["Subject"]
    assert "/staff/admin/protection" in body_of(alert)
    (confirmation,) = mails_to(smtp, "echt@example.org")
    link = LINK.search(body_of(confirmation)).group(1)

    page = client.get(link)
    assert page.status_code == 200 and "Ja, Termin buchen" in page.get_data(as_text=True)
    with svc.database.transaction() as session:  # opening the link books nothing
        assert session.scalar(select(func.count()).select_from(Appointment)) == needed
    booked = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    assert booked.status_code == 303 and "gebucht=1" in booked.headers["Location"]
    manage = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Montag" in manage or "Dienstag" in manage or "Mittwoch" in manage or "30." in manage
    assert client.get(link).status_code == 404  # used

    log_in(client, "chefin@example.org")
    admin_page = "/staff/admin/protection"
    assert "zurückgehalten seit" in client.get(admin_page).get_data(as_text=True)
    post_form(client, admin_page, f"{admin_page}/bookings", {"hold": "0"})
    assert "direkt gebucht" in client.get(admin_page).get_data(as_text=True)
    assert book(client, times[needed + 2], email="neu@example.org").status_code == 201
    with svc.database.transaction() as session:
        details = [e.detail for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    held_by_burst = (
        "Buchungen werden zurückgehalten (automatisch, nach den Schwellen): nur noch mit "
        "Bestätigung per E-Mail"
    )
    assert held_by_burst in details
    assert "Buchungen nicht mehr zurückgehalten (von Hand)" in details


def test_a_held_booking_never_confirmed_is_dropped_and_its_link_then_opens_nothing(
    client, svc, clock, hotline, dispatcher, create_counsellor
):
    create_counsellor("Anna")
    assert "zurückgehalten seit" in hotline("bookings", "hold").output
    times = week_times(client)
    assert book(client, times[0], email="echt@example.org").status_code == 202
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(HeldBooking)) == 1
    clock.advance(timedelta(hours=24))
    jobs.bind(jobs.JobContext(dispatcher))
    try:
        assert jobs.drop_held_bookings() == 1
    finally:
        jobs.bind(None)
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(HeldBooking)) == 0
    assert "direkt gebucht" in hotline("bookings", "release").output


def test_the_booking_page_says_to_look_for_the_mail(client, hotline, create_counsellor):
    create_counsellor("Anna")
    hotline("bookings", "hold")
    page = client.get("/termin").get_data(as_text=True)
    start = week_times(client)[0]
    answer = client.post(
        "/termin",
        data={
            "csrf_token": csrf_token(page),
            "type": "video",
            "start": start,
            "name": "Frau Amtsträgerin",
            "email": "amt@example.org",
            "consent": "1",
        },
    )
    assert answer.status_code == 202
    assert "Bitte bestätigen Sie Ihre Buchung mit dem Link" in answer.get_data(as_text=True)
