"""Neither side's personal address is in the other side's copy of an invitation.

Booked through the API (or by phone), mailed by the scheduler's dispatcher to a real local SMTP
server, and the received mails and the public `.ics` read back with vobject: the hotline's
`MAIL_FROM` organises; the official sees the counsellor only by display name (the first name
unless one is set); the counsellor sees the case reference, not the official's name or address.
The display name is set on the command line or in the console, and the change is audited.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import vobject
from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.counsellors.models import Counsellor
from hotline.staff.models import StaffRole
from tests.support.appointments import book, free_slots, local_path
from tests.support.staff import add_staff, log_in, post_form
from tests.support.times import berlin

JSON = {"Accept": "application/json"}
COUNSELLOR = "Anna Kowalczyk"
COUNSELLOR_EMAIL = "anna.kowalczyk@beratung.example.org"
OFFICIAL = "Bürgermeisterin Kraus"
OFFICIAL_EMAIL = "amt@example.org"
MAIL_FROM = "Terminbüro starke Stelle <termine@starkestelle.example>"
ORGANIZER = "mailto:termine@starkestelle.example"
# what of the counsellor must never reach an official, and of the official never a counsellor
COUNSELLOR_PRIVATE = ("Kowalczyk", "anna.kowalczyk", "beratung.example.org")
OFFICIAL_PRIVATE = (OFFICIAL_EMAIL, "Kraus", "Bürgermeisterin")


@pytest.fixture
def environment(environment: dict[str, str]) -> dict[str, str]:
    """A MAIL_FROM whose name differs from the service's, to see that it is the organizer."""
    return {**environment, "MAIL_FROM": MAIL_FROM}


def everything_in(message) -> str:
    """Every header and every part of a received mail, decoded (RFC 2047, base64,
    quoted-printable) and calendar lines unfolded: what a reader could find in it."""
    texts = []
    for part in message.walk():
        texts += [f"{name}: {value}" for name, value in part.items()]
        if not part.is_multipart():
            texts.append(unfolded(part.get_content()))
    return "\n".join(texts)


def unfolded(text: str) -> str:
    return text.replace("\r\n ", "").replace("\n ", "")


def mails_to(smtp, address: str) -> list:
    return [mail.message for mail in smtp.received if address in mail.recipients]


def calendars_in(message) -> list[vobject.base.Component]:
    """The inline calendar alternative and the attached `.ics` of a received mail."""
    return [
        vobject.readOne(part.get_content())
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def text_and_html(message) -> tuple[str, str]:
    bodies = {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    }
    return bodies["text/plain"], bodies["text/html"]


def assert_organized_by_the_hotline(event) -> None:
    assert event.organizer.value == ORGANIZER
    assert event.organizer.params["CN"] == ["Terminbüro starke Stelle"]


def book_move_and_cancel(client) -> tuple[dict, str]:
    """The booking's answer, and the `.ics` as downloaded after the move."""
    slots = free_slots(client)
    booked = book(client, slots[0]["start"], name=OFFICIAL, email=OFFICIAL_EMAIL)
    assert booked.status_code == 201, booked.json
    manage = local_path(booked.json["manage_url"])
    moved = client.post(manage + "/move", json={"start": slots[1]["start"]}, headers=JSON)
    assert moved.status_code == 200
    moved_ics = client.get(local_path(booked.json["ics_url"])).get_data(as_text=True)
    assert client.post(manage + "/cancel", headers=JSON).status_code == 200
    return booked.json, moved_ics


def test_the_official_sees_the_counsellor_by_first_name_only_in_mails_and_the_ics(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    booked = book(client, free_slots(client)[0]["start"], name=OFFICIAL).json
    public_ics = client.get(local_path(booked["ics_url"])).get_data(as_text=True)
    smtp_dispatcher.dispatch_until_idle()
    (mail,) = mails_to(smtp, OFFICIAL_EMAIL)

    for copy in (everything_in(mail), unfolded(public_ics)):
        assert "Anna" in copy
        for private in COUNSELLOR_PRIVATE:
            assert private not in copy
    text, html = text_and_html(mail)
    assert "Es berät Sie: Anna\n" in text
    assert "<td>Anna</td>" in html
    calendars = [*calendars_in(mail), vobject.readOne(public_ics)]
    assert len(calendars) == 3  # inline, attached, downloaded
    for calendar in calendars:
        event = calendar.vevent
        assert calendar.method.value == "REQUEST"
        assert_organized_by_the_hotline(event)
        (attendee,) = event.contents["attendee"]  # the official alone: they are asked to answer
        assert attendee.value == f"mailto:{OFFICIAL_EMAIL}"
        assert attendee.params["CN"] == [OFFICIAL]
        assert attendee.params["RSVP"] == ["TRUE"]
        assert "Videoberatung der starken Stelle mit Anna" in event.description.value


def test_no_later_copy_of_the_official_names_the_counsellor_either(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    _, moved_ics = book_move_and_cancel(client)
    smtp_dispatcher.dispatch_until_idle()
    mails = mails_to(smtp, OFFICIAL_EMAIL)
    assert len(mails) == 3  # booked, moved, cancelled
    for copy in [*map(everything_in, mails), unfolded(moved_ics)]:
        for private in COUNSELLOR_PRIVATE:
            assert private not in copy
    cancel = calendars_in(mails[2])[0]
    assert cancel.method.value == "CANCEL"
    assert_organized_by_the_hotline(cancel.vevent)
    assert [a.value for a in cancel.vevent.contents["attendee"]] == [f"mailto:{OFFICIAL_EMAIL}"]
    assert vobject.readOne(moved_ics).vevent.sequence.value == "1"


def test_the_counsellor_sees_the_case_not_the_official(
    client, smtp, smtp_dispatcher, create_counsellor
):
    create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    booked, _ = book_move_and_cancel(client)
    smtp_dispatcher.dispatch_until_idle()
    mails = mails_to(smtp, COUNSELLOR_EMAIL)
    assert len(mails) == 3
    reference = f"{booked['case_reference'][:4]} {booked['case_reference'][4:]}"
    for mail in mails:
        everything = everything_in(mail)
        assert f"Fall {reference}" in everything
        for private in (*OFFICIAL_PRIVATE, booked["manage_url"]):
            assert private not in everything
        for calendar in calendars_in(mail):
            event = calendar.vevent
            assert_organized_by_the_hotline(event)
            (attendee,) = event.contents["attendee"]
            assert attendee.value == f"mailto:{COUNSELLOR_EMAIL}"
            assert event.summary.value == f"Videotermin · Fall {reference}"


def test_a_phone_booking_downloads_without_the_counsellors_address(
    simulate_call, clock, client, create_counsellor
):
    """No official address yet: the `.ics` is for importing, and invites nobody."""
    create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    clock.set(berlin(2026, 11, 28, 11, 0))
    transcript = simulate_call(["-", "-", "2", "1"])
    (sms,) = [e.text for e in transcript.counsellor_events if e.attributes["what"] == "sms"]
    manage = local_path(re.search(r"https://\S+", sms).group(0))
    ics = client.get(manage + "/termin.ics")
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    text = unfolded(ics.get_data(as_text=True))
    assert "ATTENDEE" not in text and "mit Anna" in text
    for private in COUNSELLOR_PRIVATE:
        assert private not in text


def test_a_display_name_set_on_the_command_line_is_what_officials_see(
    hotline, client, smtp, smtp_dispatcher, svc
):
    added = hotline(
        "counsellor",
        "add",
        COUNSELLOR,
        "--phone",
        "+49 228 555100",
        "--on-duty",
        "--email",
        COUNSELLOR_EMAIL,
        "--display-name",
        "Frau K.",
    )
    assert added.exit_code == 0, added.output
    changed = hotline("counsellor", "display-name", COUNSELLOR, "  Beraterin A. ")
    assert changed.exit_code == 0, changed.output
    assert changed.output == f"{COUNSELLOR} erscheint in Einladungen jetzt als „Beraterin A.“.\n"
    for bad in ("", " ", "x" * 81, "Anna\nKowalczyk", "Anna\tK", "Anna\u202eK"):
        refused = hotline("counsellor", "display-name", COUNSELLOR, bad)
        assert refused.exit_code != 0 and "1 bis 80 Zeichen" in refused.output, repr(bad)
    too_long = hotline(
        "counsellor", "add", "Ben", "--phone", "+49 228 555101", "--display-name", "x" * 81
    )
    assert too_long.exit_code != 0 and "--display-name" in too_long.output
    assert hotline("counsellor", "display-name", "Niemand", "X").exit_code != 0
    assert hotline("counsellor", "display-name", COUNSELLOR).exit_code != 0  # neither given

    book(client, free_slots(client)[0]["start"], name=OFFICIAL)
    smtp_dispatcher.dispatch_until_idle()
    (mail,) = mails_to(smtp, OFFICIAL_EMAIL)
    everything = everything_in(mail)
    assert "Es berät Sie: Beraterin A." in everything
    assert "Anna" not in everything and "Frau K." not in everything

    back = hotline("counsellor", "display-name", COUNSELLOR, "--first-name")
    assert back.exit_code == 0 and "„Anna“" in back.output
    with svc.database.transaction() as session:
        counsellor = session.scalars(select(Counsellor)).one()
        assert counsellor.display_name is None and counsellor.shown_name == "Anna"


def test_an_admin_sets_a_display_name_in_the_console_and_it_is_audited(
    client, svc, clock, create_counsellor, app
):
    anna = create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    page = client.get("/staff/admin/counsellors").get_data(as_text=True)
    assert 'placeholder="Anna"' in page  # the first name until one is set
    action = f"/staff/admin/counsellors/{anna.id}/display-name"

    saved = post_form(client, "/staff/admin/counsellors", action, {"display_name": "Beraterin A."})
    assert "Gespeichert" in client.get(saved.headers["Location"]).get_data(as_text=True)
    refused = post_form(client, "/staff/admin/counsellors", action, {"display_name": "A\r\nB"})
    assert "1 bis 80 Zeichen" in client.get(refused.headers["Location"]).get_data(as_text=True)
    without_token = client.post(action, data={"display_name": "Hacker"})
    assert without_token.status_code in (302, 400)
    with svc.database.transaction() as session:
        assert session.get(Counsellor, anna.id).display_name == "Beraterin A."
        details = [
            entry.detail  # in words when read
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.action == AuditAction.ADMIN)
            )
        ]
    assert details == [f"Berater:in {anna.id}: Anzeigename geändert"]
    page = client.get("/staff/admin/counsellors").get_data(as_text=True)
    assert 'value="Beraterin A."' in page

    post_form(client, "/staff/admin/counsellors", action, {"display_name": ""})
    with svc.database.transaction() as session:
        assert session.get(Counsellor, anna.id).shown_name == "Anna"

    add_staff(svc, clock, "anna@example.org", counsellor=COUNSELLOR)
    other = app.test_client()
    log_in(other, "anna@example.org")
    assert other.post(action, data={"display_name": "Ich"}).status_code == 403


def test_the_counsellors_feed_is_named_with_the_display_name(hotline, client, create_counsellor):
    """The feed is read by its secret URL alone, without a login: no full name in it."""
    create_counsellor(COUNSELLOR, email=COUNSELLOR_EMAIL)
    book(client, free_slots(client)[0]["start"], name=OFFICIAL)
    result = hotline("counsellor", "feed", COUNSELLOR)
    url = next(word for word in result.output.split() if word.startswith("http://"))
    text = unfolded(client.get(urlsplit(url).path).get_data(as_text=True))
    assert vobject.readOne(text).x_wr_calname.value == "starke Stelle – Anna"
    for private in (*COUNSELLOR_PRIVATE, *OFFICIAL_PRIVATE):
        assert private not in text
