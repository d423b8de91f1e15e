"""*Termine* in the console (issue 25): a week at a time; each appointment's page shows its
video room and lets a counsellor cancel it, move it to a free time (the mails and calendar
updates go out as when the official changes it), add or change the official's address, and
mark that nobody came — each audited, and seen in the case's timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import vobject
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.audit.models import AuditEntry
from hotline.cases.events import CaseEvent, CaseEventKind
from hotline.reports.statistics import load_statistics
from tests.support.appointments import (
    appointments,
    book,
    book_phone,
    local_path,
    raised_booking_limit,
)
from tests.support.staff import add_staff, log_in, post_form
from tests.support.times import berlin
from web.staff.charts import appointments_chart

hotline_config = raised_booking_limit
BERLIN = ZoneInfo("Europe/Berlin")


def mails_to(smtp, address):
    return [mail.message for mail in smtp.received if address in mail.recipients]


def calendar_in(message) -> vobject.base.Component:
    alternative, _ = message.get_payload()
    return vobject.readOne(alternative.get_payload()[2].get_content())


def flashed(html: str) -> str:
    """The messages a page shows after a change (the console's notices and alerts)."""
    return " ".join(re.findall(r'<p class="(?:notice|errors)" role="[a-z]+">(.*?)</p>', html))


def anna_logged_in(client, svc, clock, create_counsellor):
    create_counsellor("Anna", email="anna@beratung.example.org")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    log_in(client, "anna@example.org")


def test_the_week_lists_each_day_and_the_page_shows_the_room(client, svc, clock, create_counsellor):
    anna_logged_in(client, svc, clock, create_counsellor)
    book(client, "2026-11-26T14:00:00+01:00")  # Thursday
    book(client, "2026-11-30T10:00:00+01:00")  # next Monday
    week = client.get("/staff/appointments").get_data(as_text=True)
    assert "Termine vom 23.11. bis 29.11.2026" in week
    assert week.count('<h2 id="tag-') == 7 and "Donnerstag, 26.11.2026" in week
    assert "26.11.2026 14:00" in week and "30.11.2026" not in week.split("nächste Woche")[1]
    following = client.get("/staff/appointments?day=2026-11-30").get_data(as_text=True)
    assert "Termine vom 30.11. bis 06.12.2026" in following and "30.11.2026 10:00" in following
    (first, _) = appointments(svc)
    page = client.get(f"/staff/appointments/{first.id}").get_data(as_text=True)
    assert f"https://meet.jit.si/starke-stelle-{first.room}" in page
    assert "a•••@example.org" in page and "amt@example.org" not in page
    assert client.get(f"/staff/appointments/{first.id + 99}").status_code == 404


def test_a_move_in_the_console_sends_a_raised_sequence_and_the_feed_follows(
    client, svc, clock, smtp, smtp_dispatcher, hotline, create_counsellor
):
    anna_logged_in(client, svc, clock, create_counsellor)
    booked = book(client, "2026-11-27T10:00:00+01:00").json
    (row,) = appointments(svc)
    page = f"/staff/appointments/{row.id}"
    eleven = "2026-11-27T10:00:00+00:00"  # 11:00 in Berlin, as the page's choice sends it
    assert f'value="{eleven}">27.11.2026 11:00' in client.get(page).get_data(as_text=True)
    moved = post_form(client, page, f"{page}/move", {"start": eleven})
    assert moved.status_code == 302
    assert "verlegt" in flashed(client.get(page).get_data(as_text=True))
    smtp_dispatcher.dispatch_until_idle()
    official = mails_to(smtp, "amt@example.org")
    sequences = [calendar_in(m).vevent.sequence.value for m in official]
    assert sequences == ["0", "1"] and calendar_in(official[1]).method.value == "REQUEST"
    assert len(mails_to(smtp, "anna@beratung.example.org")) == 2
    # the counsellor's feed: the new time, and the room to join from
    result = hotline("counsellor", "feed", "Anna")
    feed_url = next(word for word in result.output.split() if word.startswith("http://"))
    feed = client.get(urlsplit(feed_url).path).get_data(as_text=True)
    event = vobject.readOne(feed).vevent
    assert event.dtstart.value.hour == 11
    assert event.location.value == booked["video_url"]
    # the official's own page says so too; the timeline and the audit log name the move
    assert "11:00 Uhr" in client.get(local_path(booked["manage_url"])).get_data(as_text=True)
    with svc.database.reading() as session:
        kinds = session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id)).all()
        audited = session.scalars(select(AuditEntry).where(AuditEntry.message.is_not(None))).all()
    assert CaseEventKind.APPOINTMENT_MOVED in kinds
    assert [entry.detail for entry in audited] == [f"Termin {row.id} verlegt"]


def test_staff_cancel_inside_the_notice_and_add_an_address(
    client, svc, clock, smtp, smtp_dispatcher, create_counsellor
):
    anna_logged_in(client, svc, clock, create_counsellor)
    book(client, "2026-11-26T13:00:00+01:00")
    book(client, "2026-11-26T14:00:00+01:00")
    first, second = appointments(svc)
    with svc.database.transaction() as session:  # as if booked by phone: no address
        session.get(Appointment, first.id).email_encrypted = None
    page = f"/staff/appointments/{first.id}"
    bad = post_form(client, page, f"{page}/email", {"email": "kein-adresse"})
    assert bad.status_code == 302
    assert "keine gültige" in flashed(client.get(page).get_data(as_text=True))
    post_form(client, page, f"{page}/email", {"email": "Rat@Example.org"})
    smtp_dispatcher.dispatch_until_idle()
    (invitation,) = mails_to(smtp, "Rat@example.org")
    assert calendar_in(invitation).method.value == "REQUEST"
    clock.set(berlin(2026, 11, 26, 13, 30))  # the second begins in 30 minutes
    log_in(client, "anna@example.org")  # a new shift: the console's session had ended
    other = f"/staff/appointments/{second.id}"
    post_form(client, other, f"{other}/cancel", {})
    assert appointments(svc)[1].state == AppointmentState.CANCELED


def test_nobody_came_is_marked_once_the_appointment_has_begun(
    client, svc, clock, create_counsellor
):
    anna_logged_in(client, svc, clock, create_counsellor)
    book(client, "2026-11-26T14:00:00+01:00")
    (row,) = appointments(svc)
    page = f"/staff/appointments/{row.id}"
    assert "niemand erschienen" not in client.get(page).get_data(as_text=True)
    early = post_form(client, page, f"{page}/no-show", {})
    assert early.status_code == 302
    assert appointments(svc)[0].no_show_at is None
    clock.set(berlin(2026, 11, 26, 14, 20))
    log_in(client, "anna@example.org")
    html = client.get(page).get_data(as_text=True)
    assert "Vermerken: niemand erschienen" in html and "Termin absagen" not in html
    post_form(client, page, f"{page}/no-show", {})
    (marked,) = appointments(svc)
    assert marked.no_show_at == berlin(2026, 11, 26, 14, 20)
    assert marked.state == AppointmentState.BOOKED
    html = client.get(page).get_data(as_text=True)
    assert "niemand erschienen (vermerkt" in html and "Vermerken" not in html
    with svc.database.reading() as session:
        kinds = session.scalars(select(CaseEvent.kind)).all()
    assert CaseEventKind.APPOINTMENT_NO_SHOW in kinds
    clock.advance(timedelta(minutes=5))
    post_form(client, page, f"{page}/no-show", {})  # twice: nothing more
    assert appointments(svc)[0].no_show_at == berlin(2026, 11, 26, 14, 20)
    # counted in the statistics: booked, and of those, nobody came
    with svc.database.reading() as session:
        figures = load_statistics(session, date(2026, 11, 26), date(2026, 11, 26), BERLIN)
    (day,) = figures.appointments
    assert (day.booked, day.canceled, day.no_show) == (1, 0, 1)
    described = appointments_chart(figures).description
    assert "1 Termin gebucht (davon 1 ohne Erscheinen), 0 abgesagt." in described


def test_a_bad_time_changes_nothing(client, svc, clock, create_counsellor):
    anna_logged_in(client, svc, clock, create_counsellor)
    book(client, "2026-11-27T10:00:00+01:00")
    (row,) = appointments(svc)
    page = f"/staff/appointments/{row.id}"
    for start in ("morgen", "2026-11-27T10:00:00", "2026-11-26T10:30:00+01:00"):
        response = post_form(client, page, f"{page}/move", {"start": start})
        assert response.status_code == 302
    assert appointments(svc)[0].start == berlin(2026, 11, 27, 10, 0)
    with svc.database.reading() as session:
        assert session.scalars(select(Appointment.sequence)).one() == 0


def test_a_phone_appointment_shows_whom_the_counsellor_calls_not_a_room(
    client, svc, clock, create_counsellor
):
    anna_logged_in(client, svc, clock, create_counsellor)
    phone = book_phone(client, "2026-11-27T10:00:00+01:00")
    assert phone.status_code == 201, phone.json
    (row,) = appointments(svc)
    week = client.get("/staff/appointments").get_data(as_text=True)
    assert "27.11.2026 10:00–10:45</a> · Telefon" in week
    page = client.get(f"/staff/appointments/{row.id}").get_data(as_text=True)
    assert "Telefontermin: die Berater:in ruft" in page and "Videoraum" not in page
    assert "23456789" not in page and "meet.jit.si" not in page


def test_a_phone_appointments_call_is_marked_among_the_callbacks_and_not_cancelled_alone(
    client, svc, clock, hotline, create_counsellor
):
    """*Rückrufe* and `hotline callbacks list` show which call is a phone appointment's (with
    a link to it); cancelling that call alone is refused with the way to cancel the
    appointment, so that no time stays booked that nobody will call."""
    from hotline.callbacks.models import Callback, CallbackState

    anna_logged_in(client, svc, clock, create_counsellor)
    booked = book(client, "2026-11-27T10:00:00+01:00", type="phone", phone="0151 23456789")
    assert booked.status_code == 201, booked.json
    (row,) = appointments(svc)
    with svc.database.transaction() as session:
        call = session.scalars(select(Callback)).one()
        call_id = call.id
    listing = client.get("/staff/callbacks").get_data(as_text=True)
    link = f'<a href="/staff/appointments/{row.id}">Telefontermin</a>'
    assert link in listing
    cli_listing = hotline("callbacks", "list")
    assert "Telefontermin" in cli_listing.output
    assert cli_listing.output.splitlines()[-1].rstrip().endswith(f" {row.id}")
    refused = hotline("callbacks", "cancel", str(call_id))
    assert refused.exit_code == 1
    assert f"hotline appointments cancel {row.id}" in refused.output
    with svc.database.transaction() as session:
        assert session.get(Callback, call_id).state == CallbackState.BOOKED
    assert appointments(svc)[0].state == AppointmentState.BOOKED
