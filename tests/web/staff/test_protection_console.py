"""The line's protection in the console: "Anrufer sperren" on a case's page, the case showing
its block, the admins' page listing and lifting blocks and switching flood mode (with since
when), *Heute* showing flood mode; all in the audit log; counsellors may block but not see
the admins' page."""

from __future__ import annotations

from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.cases.models import Case
from hotline.staff.models import StaffRole
from tests.support.protection import Caller, call_row, refused_politely
from tests.support.staff import add_staff, log_in, post_form

NUMBER = "+4915123456789"


def a_case_that_called(svc, twilio) -> str:
    call = Caller(twilio).calls_through(NUMBER)
    case_id = call_row(svc, call.sid).case_id
    with svc.database.transaction() as session:
        return session.get(Case, case_id).reference


def test_a_counsellor_blocks_the_caller_from_the_case_page_and_the_case_shows_it(
    client, svc, clock, twilio, create_counsellor
):
    create_counsellor("Anna")
    reference = a_case_that_called(svc, twilio)
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    page = f"/staff/cases/{reference}"
    assert "Anrufer sperren" in client.get(page).get_data(as_text=True)

    done = post_form(client, page, f"{page}/block", {"days": "10", "reason": "Beleidigungen"})

    assert done.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Anrufer gesperrt bis 06.12.2026 10:00." in shown
    assert "gesperrt bis 06.12.2026 10:00: Anrufe von seiner Nummer" in shown
    assert refused_politely(Caller(twilio).calls_through(NUMBER).last)
    assert client.get("/staff/admin/protection").status_code == 403  # admins only
    too_long = post_form(client, page, f"{page}/block", {"days": "400", "reason": "x"})
    assert "Eine Sperre dauert 1 bis 365 Tage." in client.get(
        too_long.headers["Location"]
    ).get_data(as_text=True)


def test_a_withheld_caller_cannot_be_blocked_one_by_one(client, svc, clock, twilio):
    call = Caller(twilio).calls_through("anonymous")
    case_id = call_row(svc, call.sid).case_id
    with svc.database.transaction() as session:
        reference = session.get(Case, case_id).reference
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    page = f"/staff/cases/{reference}"
    refused = post_form(client, page, f"{page}/block", {"days": "10", "reason": "x"})
    assert "einzelne unterdrückte Nummern lassen sich nicht sperren" in client.get(
        refused.headers["Location"]
    ).get_data(as_text=True)


def test_an_admin_lists_and_lifts_blocks_and_switches_flood_mode(
    client, svc, clock, twilio, hotline, create_counsellor
):
    create_counsellor("Anna")
    reference = a_case_that_called(svc, twilio)
    hotline("block", "add", "--case", reference, "--reason", "Drohungen")
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    page = "/staff/admin/protection"
    listed = client.get(page).get_data(as_text=True)
    assert "Drohungen" in listed and "Schutz vor Anrufwellen: ausgeschaltet." in listed

    post_form(client, page, f"{page}/blocks/1/lift", {})
    switched = post_form(client, page, f"{page}/flood", {"on": "1"})

    after = client.get(switched.headers["Location"]).get_data(as_text=True)
    assert "Keine Sperren." in after
    assert "eingeschaltet seit 26.11.2026 10:00 (von Hand)" in after
    assert "aufgehoben" in client.get(f"{page}?ended=1").get_data(as_text=True)
    today = client.get("/staff/").get_data(as_text=True)
    assert "Schutz vor Anrufwellen: eingeschaltet seit 26.11.2026 10:00 (von Hand)" in today
    assert "Ziffern" in Caller(twilio).rings(NUMBER).last  # lifted, but challenged
    post_form(client, page, f"{page}/flood", {"on": "0"})
    assert "flood-on" not in client.get("/staff/").get_data(as_text=True)
    log = client.get("/staff/admin/audit?action=protection").get_data(as_text=True)
    for said in (
        "Anrufer gesperrt: Sperre 1 bis 26.12.2026 10:00",
        "Sperre 1 aufgehoben",
        "Schutz vor Anrufwellen eingeschaltet (von Hand)",
        "Schutz vor Anrufwellen ausgeschaltet (von Hand)",
    ):
        assert said in log
    with svc.database.transaction() as session:
        actors = session.scalars(
            select(AuditEntry.staff_id).where(AuditEntry.action == "protection")
        ).all()
    assert actors[0] is None and all(actors[1:])  # the CLI, then the admin


def test_the_statistics_page_and_its_csv_count_the_refused_and_the_challenged_apart(
    client, svc, clock, twilio, hotline, create_counsellor
):
    create_counsellor("Anna")
    caller = Caller(twilio)
    hotline("flood", "on")
    for digits in ("right", "", ""):
        call = caller.rings("anonymous")
        typed = call.challenge_digits if digits == "right" else ""
        caller.types_challenge(call, typed)
        if digits != "right":
            caller.types_challenge(call, "", attempt=2)
        caller.hangs_up(call)
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    query = "?from=2026-11-26&to=2026-11-26"

    page = client.get(f"/staff/stats{query}").get_data(as_text=True)
    csv = client.get(f"/staff/stats.csv{query}").get_data(as_text=True)

    assert "Schutz der Leitung (nie im Servicelevel): 2 Anrufe abgewiesen" in page
    assert "3 mussten im Schutz vor Anrufwellen erst Ziffern eingeben, 2 davon ohne Erfolg" in page
    assert "anrufe;2026-11-26;2026-11-26;abgewiesen_schutz;<5" in csv
    assert "ziffernabfrage;2026-11-26;2026-11-26;gefragt;<5" in csv
