"""`hotline cases export|erase` (DSGVO Art. 15 and 17) against a database holding two
similar cases, A and B, made through the service's own interfaces: the export of A holds A's
calls, callbacks, appointments, notes and decrypted contact details and not a byte of B's; the
erasure needs two different admins, then leaves no trace of A's numbers, addresses, notes,
link secrets or Twilio SIDs in any column of any table, cancels A's coming appointment with
one cancellation mail (METHOD:CANCEL) to the official, and has the scheduler DELETE each of
A's calls and SMS at the fake Twilio, retrying after a 5xx."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
import vobject
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from hotline.cases.models import Case
from hotline.outbox.models import WorkItem
from hotline.retention.models import CaseErasure
from tests.support.appointments import raised_booking_limit
from tests.support.rights import (
    ADMINS,
    ALBRECHT,
    BRANDT,
    admins_logged_in,
    find_in_database,
    held_case,
    note_twilio_sids,
)
from tests.support.staff import add_staff
from tests.web.staff.test_referrals_and_calls import an_offer

hotline_config = raised_booking_limit
REASON = "Antrag per E-Mail vom 25.11."


@pytest.fixture
def cases_a_and_b(svc, clock, client, simulate_call, create_counsellor, smtp_dispatcher):
    """A and B, alike: each with a call, notes, a referral's outcome, a video appointment
    tomorrow and a callback today; their mails and SMS sent."""
    create_counsellor("Anna", email="anna@beratung.example.org")
    admins_logged_in(svc, clock, client)
    offer = an_offer(svc, clock)
    common = {"svc": svc, "client": client, "simulate_call": simulate_call, "offer_id": offer}
    a, b = held_case(**ALBRECHT, **common), held_case(**BRANDT, **common)
    smtp_dispatcher.dispatch_until_idle()
    note_twilio_sids(svc, a)
    note_twilio_sids(svc, b)
    assert len(a.call_sids) >= 2 and a.message_sids  # the caller's leg, Anna's; the SMS
    return a, b


def test_the_export_of_a_holds_all_of_a_and_nothing_of_b(hotline, cases_a_and_b, tmp_path, svc):
    a, b = cases_a_and_b
    target = tmp_path / "auskunft.zip"
    export = ("cases", "export", a.reference, "--reason", REASON, "--by", ADMINS[1])
    result = hotline(*export, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "protokolliert" in result.output
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        contents = {name: archive.read(name) for name in names}
    assert names == [f"auskunft-{a.reference}.html", f"auskunft-{a.reference}.json"]
    held = json.loads(contents[names[1]])
    page = contents[names[0]].decode()
    assert held["case"]["reference"] == a.reference and held["case"]["notes"] == a.notes
    assert [call["caller_number"] for call in held["calls"]] == [a.caller]
    assert held["calls"][0]["outcome"] == "connected" and held["calls"][0]["ended_at"]
    # the callback, and the phone appointment's call
    assert [callback["number"] for callback in held["callbacks"]] == [a.callback_number] * 2
    video, phone = held["appointments"]
    assert (video["name"], video["email"], video["kind"]) == (a.name, a.email, "video")
    assert (phone["phone"], phone["kind"]) == (a.callback_number, "phone")
    assert held["referrals"][0]["follow_up_outcome"] == a.outcome
    assert held["timeline"] and held["notices"]
    for shown in (a.caller, a.callback_number, a.email, a.notes, a.outcome):
        assert shown in page
    assert "Auskunft zu Fall" in page and f"{a.reference[:4]} {a.reference[4:]}" in page
    # not a byte of B's, nor A's link secrets
    everything = b"".join(contents.values())
    for what, value in {**b.secrets(), "reference": b.reference}.items():
        assert value.encode() not in everything, what
    for what in ("manage token", "phone token", "callback token", "room"):
        assert a.secrets()[what].encode() not in everything, what
    with svc.database.transaction() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "exported"))
        assert entry.detail == f"Auskunft erteilt: {REASON}" and entry.staff_id is not None
    again = hotline(*export, "--output", str(target))
    assert again.exit_code == 1 and "gibt es schon" in again.output


def test_an_export_needs_a_reason_and_an_admin(hotline, cases_a_and_b, tmp_path, svc, clock):
    a, _ = cases_a_and_b
    out = ("--output", str(tmp_path / "x.zip"))
    short = hotline("cases", "export", a.reference, "--reason", "x", "--by", ADMINS[0], *out)
    assert short.exit_code == 1 and "Grund" in short.output
    add_staff(svc, clock, "berater@example.org")
    counsellor = hotline(
        "cases", "export", a.reference, "--reason", REASON, "--by", "berater@example.org", *out
    )
    assert counsellor.exit_code == 1 and "Nur die Administration" in counsellor.output
    assert not (tmp_path / "x.zip").exists()
    with svc.database.transaction() as session:
        assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "exported")).all()


def test_erasing_a_needs_a_second_admin_then_leaves_no_trace_and_twilio_deletes_its_copies(
    hotline, cases_a_and_b, svc, clock, smtp, smtp_dispatcher, fake_twilio
):
    a, b = cases_a_and_b
    assert find_in_database(svc, a.secrets())  # the scan finds what is there
    hashes_of_a = a.keyed_hashes(svc.hasher)
    assert {what for _, _, what in find_in_database(svc, hashes_of_a)} == set(hashes_of_a)
    mails_before = len(smtp.received)

    asked = hotline("cases", "erase", a.reference, "--reason", REASON, "--requested-by", ADMINS[0])
    assert asked.exit_code == 0, asked.output
    assert "beantragt" in asked.output and "--confirmed-by" in asked.output
    same = hotline("cases", "erase", a.reference, "--confirmed-by", ADMINS[0])
    assert same.exit_code == 1 and "Vier Augen" in same.output
    both_by_one = hotline(
        "cases", "erase", b.reference, "--reason", REASON,
        "--requested-by", ADMINS[0], "--confirmed-by", ADMINS[0],
    )  # fmt: skip
    assert both_by_one.exit_code == 1
    # without the second admin nothing is erased, nothing is cancelled, nothing is asked of
    # Twilio, and B has no request either (the refused call rolled back)
    smtp_dispatcher.dispatch_until_idle()
    assert len(smtp.received) == mails_before and not fake_twilio.deleted_records()
    held_then = {what for _, _, what in find_in_database(svc, a.secrets())}
    assert held_then == set(a.secrets()) - {"callback token"}  # kept only as its digest
    state = hotline("cases", "erase", a.reference)
    assert "beantragt am 26.11.2026 10:" in state.output and ADMINS[0] in state.output
    with svc.database.transaction() as session:
        assert session.scalars(select(CaseErasure.case_id)).all() == [
            session.scalars(select(Case.id).where(Case.reference == a.reference)).one()
        ]

    done = hotline("cases", "erase", a.reference, "--confirmed-by", ADMINS[1])
    assert done.exit_code == 0, done.output
    asked_of_twilio = len(a.call_sids) + len(a.message_sids)
    assert f"{asked_of_twilio} Einträge bei Twilio zur Löschung angefragt" in done.output

    fake_twilio.fail_next(503)  # Twilio has a bad moment: the first DELETE is retried
    smtp_dispatcher.dispatch_until_idle()
    clock.advance(timedelta(minutes=1))
    smtp_dispatcher.dispatch_until_idle()
    deleted = fake_twilio.deleted_records("Calls")
    assert sorted(set(deleted)) == sorted(a.call_sids)
    assert len(deleted) == len(a.call_sids) + 1  # one of them twice: after the 503
    assert fake_twilio.deleted_records("Messages") == a.message_sids
    assert all(request.authorization for request in fake_twilio.requests)

    # one cancellation to the official, as an iCalendar CANCEL; nothing to B
    new = [mail.message for mail in smtp.received[mails_before:]]
    to_official = [m for m in new if a.email in m["To"]]
    assert len(to_official) == 1
    alternative, _ = to_official[0].get_payload()
    calendar = vobject.readOne(alternative.get_payload()[2].get_content())
    assert calendar.method.value == "CANCEL"
    assert not [m for m in new if b.email in m["To"]]

    # no trace of A in any column of any table; B untouched
    assert find_in_database(svc, a.secrets()) == []
    held_of_b = {what for _, _, what in find_in_database(svc, b.secrets())}
    assert held_of_b == set(b.secrets()) - {"callback token"}
    assert find_in_database(svc, hashes_of_a) == []  # the protection's hashes too
    hashes_of_b = b.keyed_hashes(svc.hasher)
    assert {what for _, _, what in find_in_database(svc, hashes_of_b)} == set(hashes_of_b)
    with svc.database.transaction() as session:
        erased = session.scalars(select(Case).where(Case.reference == a.reference)).one()
        assert erased.erased_at == clock.now() - timedelta(minutes=1)
        assert erased.notes_encrypted is None and erased.federal_state is None
        details = [entry.detail for entry in session.scalars(select(AuditEntry))]
        assert f"Löschung 1 beantragt: {REASON}" in details
        assert f"Löschung 1 bestätigt und ausgeführt: {REASON}" in details
        twilio_work = session.scalars(
            select(WorkItem).where(WorkItem.kind == "delete_twilio_record")
        ).all()
        assert {work.state for work in twilio_work} == {"done"}
    state = hotline("cases", "erase", a.reference)
    assert "gelöscht am" in state.output and ADMINS[1] in state.output
    n = asked_of_twilio
    assert f"{n} Einträge zur Löschung angefragt, davon {n} angenommen" in state.output
    again = hotline("cases", "erase", a.reference, "--reason", REASON, "--requested-by", ADMINS[0])
    assert again.exit_code == 1 and "bereits gelöscht" in again.output


def test_a_block_of_the_erased_cases_caller_stays_until_it_ends_without_the_case(
    hotline, cases_a_and_b, svc, clock
):
    """Protecting the line outweighs the erasure (Art. 17(3), 21(1) DSGVO): the block keeps
    refusing the number by its keyed hash until it ends, but no longer names the case."""
    from hotline.abuse.models import CallerBlock

    a, _ = cases_a_and_b
    blocked = hotline("block", "add", "--case", a.reference, "--reason", "Drohanrufe")
    assert blocked.exit_code == 0, blocked.output
    erased = hotline(
        "cases", "erase", a.reference, "--reason", REASON,
        "--requested-by", ADMINS[0], "--confirmed-by", ADMINS[1],
    )  # fmt: skip
    assert erased.exit_code == 0, erased.output
    with svc.database.transaction() as session:
        (block,) = session.scalars(select(CallerBlock)).all()
        assert block.case_id is None and block.is_active(clock.now())
        assert block.number_hash in svc.hasher.number_hashes(a.caller)
    assert a.reference not in hotline("block", "list").output


def test_a_requested_erasure_is_withdrawn_on_the_command_line_and_nothing_is_erased(
    hotline, svc, clock, create_case
):
    """`--withdrawn-by`: any admin takes the request back (audited); the case stays whole, a
    confirmation then finds nothing to confirm, and a new request can be made."""
    from hotline.audit.models import AuditMessage
    from hotline.staff.models import StaffRole

    for admin in ADMINS:
        add_staff(svc, clock, admin, StaffRole.ADMIN)
    case = create_case()
    asked = hotline(
        "cases", "erase", case.reference, "--reason", REASON, "--requested-by", ADMINS[0]
    )
    assert asked.exit_code == 0, asked.output

    both = hotline(
        "cases", "erase", case.reference, "--withdrawn-by", ADMINS[1], "--confirmed-by", ADMINS[1]
    )
    assert both.exit_code == 2 and "--withdrawn-by" in both.output
    withdrawn = hotline("cases", "erase", case.reference, "--withdrawn-by", ADMINS[1])

    assert withdrawn.exit_code == 0, withdrawn.output
    assert "zurückgezogen; es wurde nichts gelöscht" in withdrawn.output
    assert "keine Löschung beantragt" in hotline("cases", "erase", case.reference).output
    confirm = hotline("cases", "erase", case.reference, "--confirmed-by", ADMINS[1])
    assert confirm.exit_code == 1 and "keine Löschung beantragt" in confirm.output
    again = hotline("cases", "erase", case.reference, "--withdrawn-by", ADMINS[0])
    assert again.exit_code == 1 and "keine Löschung beantragt" in again.output
    with svc.database.transaction() as session:
        assert session.get(Case, case.id).reference == case.reference  # not erased
        (erasure,) = session.scalars(select(CaseErasure))
        assert erasure.state == "withdrawn"
        messages = session.scalars(select(AuditEntry.message).order_by(AuditEntry.id)).all()
        assert AuditMessage.ERASURE_WITHDRAWN in messages
    renewed = hotline(
        "cases", "erase", case.reference, "--reason", REASON, "--requested-by", ADMINS[1]
    )
    assert renewed.exit_code == 0, renewed.output
