"""`hotline appointments list|cancel|email`: what operators see and do (addresses masked)."""

from __future__ import annotations

from tests.support.appointments import appointments, book, raised_booking_limit

hotline_config = raised_booking_limit


def test_list_cancel_and_add_an_address(client, hotline, svc, create_counsellor):
    create_counsellor("Anna")
    booked = book(client, "2026-11-30T10:00:00+01:00").json
    listed = hotline("appointments", "list", "--day", "2026-11-30")
    assert listed.exit_code == 0, listed.output
    reference = booked["case_reference"]
    assert f"{reference[:4]} {reference[4:]}" in listed.output
    assert "30.11.2026 10:00" in listed.output and "Anna" in listed.output
    assert "Art" in listed.output and "Video" in listed.output
    assert "a•••@example.org" in listed.output and "amt@example.org" not in listed.output
    (row,) = appointments(svc)
    changed = hotline("appointments", "email", str(row.id), "neu@example.org")
    assert changed.exit_code == 0 and "n•••@example.org" in changed.output
    assert hotline("appointments", "email", str(row.id), "kaputt").exit_code != 0
    assert hotline("appointments", "cancel", str(row.id)).exit_code == 0
    again = hotline("appointments", "cancel", str(row.id))
    assert again.exit_code != 0 and "ist schon abgesagt" in again.output
    assert hotline("appointments", "cancel", "999").exit_code != 0
    assert "abgesagt" in hotline("appointments", "list").output
    assert hotline("appointments", "list", "--day", "2026-12-01").output.startswith("keine Termine")
