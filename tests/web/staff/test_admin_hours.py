"""Verwaltung → Öffnungszeiten through HTTP: an override (Ausnahme) has an internal note that
callers never hear and, optionally, an announcement that they do, and the page shows the very
sentences the phone line says. The test clock stands at Thursday 26.11.2026, 10:00 (Berlin)."""

from __future__ import annotations

import html

from sqlalchemy import select

from hotline.hours.models import HoursOverrideEntry
from hotline.staff.models import StaffRole
from tests.support.staff import add_staff, log_in, post_form

HOURS = "/staff/admin/hours"


def as_admin(client, svc, clock) -> None:
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")


def set_override(client, **fields: str) -> str:
    """Posts the form; returns the page shown after it (with the flashed message)."""
    answer = post_form(
        client, HOURS, HOURS, {"is_open": "0", "until": "2026-11-26T14:00", **fields}
    )
    assert answer.status_code == 302
    return html.unescape(client.get(answer.headers["Location"]).get_data(as_text=True))


def test_the_form_offers_an_internal_note_and_an_announcement_and_says_which_is_heard(
    client, svc, clock
):
    as_admin(client, svc, clock)
    page = html.unescape(client.get(HOURS).get_data(as_text=True))
    assert 'name="note"' in page and 'name="announcement"' in page
    assert "Anrufende hören ihn nicht" not in page
    assert "Interne Notiz" in page and "Anrufende hören sie nie" in page
    # the sentence the announcement goes into, from the IVR's catalog
    assert "„Unsere Telefonberatung ist gerade nicht besetzt: [Ihre Ansage].“" in page


def test_an_override_with_an_announcement_shows_the_sentence_callers_hear(client, svc, clock):
    as_admin(client, svc, clock)
    page = set_override(
        client, note="Interne Besprechung", announcement="Wir sind ab 14 Uhr wieder für Sie da"
    )
    assert "Ausnahme eingetragen." in page
    assert (
        "Anrufende hören jetzt: „Unsere Telefonberatung ist gerade nicht besetzt: Wir sind ab "
        "14 Uhr wieder für Sie da. Sie erreichen uns wieder ab heute um 14 Uhr.“"
    ) in page
    assert "Our phone line is not staffed right now: Wir sind ab 14 Uhr wieder für Sie da." in page
    with svc.database.transaction() as session:
        entry = session.scalars(select(HoursOverrideEntry)).one()
        assert (entry.note, entry.announcement) == (
            "Interne Besprechung",
            "Wir sind ab 14 Uhr wieder für Sie da",
        )


def test_the_internal_note_is_shown_to_staff_and_kept_out_of_the_sentence(client, svc, clock):
    as_admin(client, svc, clock)
    page = set_override(client, note="Interne Besprechung", announcement="  ")
    heard = page.split("Anrufende hören jetzt: „")[1].split("“")[0]
    assert heard == (
        "Unsere Telefonberatung ist gerade nicht besetzt. "
        "Sie erreichen uns wieder ab heute um 14 Uhr."
    )
    assert "Interne Besprechung" in page  # in the table, for colleagues
    with svc.database.transaction() as session:
        assert session.scalars(select(HoursOverrideEntry.announcement)).one() is None


def test_texts_the_override_cannot_take_are_refused_not_cut(client, svc, clock):
    as_admin(client, svc, clock)
    assert "Bitte eine interne Notiz angeben" in set_override(client, note=" ")
    too_long = set_override(client, note="Team", announcement="x" * 201)
    assert "höchstens 200 Zeichen" in too_long
    assert "Steuerzeichen" in set_override(client, note="Team", announcement="Bis\x00gleich")
    opened = set_override(client, is_open="1", note="Aktionstag", announcement="Länger da")
    assert "nur bei geschlossener Leitung" in opened
    with svc.database.transaction() as session:
        assert session.scalars(select(HoursOverrideEntry)).all() == []


def test_setting_and_clearing_go_into_the_audit_log(client, svc, clock):
    as_admin(client, svc, clock)
    set_override(client, note="Interne Besprechung", announcement="Bis 14 Uhr geschlossen")
    cleared = post_form(client, HOURS, HOURS, {"action": "clear"})
    page = html.unescape(client.get(cleared.headers["Location"]).get_data(as_text=True))
    assert "Ausnahme aufgehoben." in page and "Anrufende hören jetzt" not in page
    audit = html.unescape(client.get("/staff/admin/audit").get_data(as_text=True))
    assert "Ausnahme eingetragen: geschlossen bis 26.11.2026 14:00, mit Ansage" in audit
    assert "Ausnahmen aufgehoben" in audit
