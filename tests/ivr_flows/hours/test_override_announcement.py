"""A signed call while staff have closed the line (an Ausnahme set in the console): the caller
hears the announcement if there is one, and never the internal note.
The test clock stands at Thursday 26.11.2026, 10:00 (Berlin): without the override, open."""

from __future__ import annotations

from hotline.staff.models import StaffRole
from tests.support.staff import add_staff, log_in, post_form

SILENCE = "-"
NOTE = "Interne Besprechung, Frau K. krank"


def close_in_the_console(client, svc, clock, **fields: str) -> None:
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    answer = post_form(
        client,
        "/staff/admin/hours",
        "/staff/admin/hours",
        {"is_open": "0", "until": "2026-11-26T14:00", "note": NOTE, **fields},
    )
    assert answer.status_code == 302


def test_a_caller_hears_that_the_line_is_closed_but_not_the_internal_note(
    client, svc, clock, simulate_call
):
    close_in_the_console(client, svc, clock)
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert transcript.application_errors == []
    assert transcript.said("Unsere Telefonberatung ist gerade nicht besetzt.")
    assert transcript.said("Sie erreichen uns wieder ab heute um 14 Uhr.")
    assert not transcript.said("Besprechung") and not transcript.said("krank")


def test_a_caller_hears_the_announcement(client, svc, clock, simulate_call):
    close_in_the_console(client, svc, clock, announcement="Wir sind heute auf einer Fortbildung")
    transcript = simulate_call([SILENCE, SILENCE], silent_after_keys=True)
    assert transcript.said(
        "Unsere Telefonberatung ist gerade nicht besetzt: Wir sind heute auf einer Fortbildung."
    )
    assert not transcript.said("Besprechung")


def test_an_english_caller_hears_the_announcement_and_not_the_note(
    client, svc, clock, simulate_call
):
    close_in_the_console(client, svc, clock, announcement="Fortbildung bis 14 Uhr")
    transcript = simulate_call(["9", SILENCE], silent_after_keys=True)
    assert transcript.said("Our phone line is not staffed right now: Fortbildung bis 14 Uhr.")
    assert not transcript.said("Besprechung")
