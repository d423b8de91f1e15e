"""Protecting the line (issue 27) over signed HTTP: a blocked number is refused with the
e-mail address and 110 and nobody is rung, until the block's time is over; blocks still
match after the hash key is rotated; the seventh call from one number within an hour is
refused; in flood mode a caller types the digits they hear before they are queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.abuse.hashing import CallerHasher
from hotline.abuse.models import CallChallenge, CallerBlock
from hotline.app import create_app
from hotline.audit.models import AuditEntry, AuditMessage
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.config import load_settings
from hotline.crypto import generate_key
from hotline.services import services
from hotline.telephony.models import CallOutcome
from scheduling.scheduler import jobs
from tests.support.protection import WITHHELD, Caller, call_row, refused_politely
from tests.support.twilio import CALLER, HASH_KEY, TwilioRequests

OTHER = "+4915199887766"


@pytest.fixture
def caller(twilio) -> Caller:
    return Caller(twilio)


@pytest.fixture
def bound(dispatcher):
    jobs.bind(jobs.JobContext(dispatcher))
    yield
    jobs.bind(None)


def case_of(svc, sid: str) -> str:
    case_id = call_row(svc, sid).case_id
    with svc.database.transaction() as session:
        return session.get(Case, case_id).reference


def rung(fake_twilio, dispatcher) -> int:
    dispatcher.dispatch_until_idle(max_rounds=10)
    return len(fake_twilio.calls_created())


def test_a_blocked_number_is_refused_with_the_sentence_and_110_and_nobody_is_rung(
    caller, svc, hotline, create_counsellor, dispatcher, fake_twilio
):
    create_counsellor("Anna")
    first = caller.calls_through(CALLER)
    assert first.queued
    caller.hangs_up(first)
    reference = case_of(svc, first.sid)
    added = hotline("block", "add", "--case", display_case_reference(reference), "--reason", "x")
    assert "Sperre 1 eingetragen, bis 26.12.2026 10:00" in added.output, added.output
    before = rung(fake_twilio, dispatcher)

    blocked = caller.calls_through(CALLER)

    assert len(blocked.heard) == 1 and refused_politely(blocked.last)
    assert "Wir können Ihren Anruf unter dieser Nummer gerade nicht annehmen." in blocked.last
    assert rung(fake_twilio, dispatcher) == before  # nobody rung for it
    row = call_row(svc, blocked.sid)
    assert row.outcome == CallOutcome.BLOCKED and row.case_id is None and row.queued_at is None
    assert caller.calls_through(OTHER).queued  # another number is not touched


def test_the_block_ends_at_its_time_and_the_same_number_is_queued_again(
    caller, svc, hotline, create_counsellor, clock, bound
):
    create_counsellor("Anna")
    first = caller.calls_through(CALLER)
    caller.hangs_up(first)
    assert (
        hotline("block", "add", "--call", first.sid, "--days", "7", "--reason", "x").exit_code == 0
    )
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    assert refused_politely(caller.calls_through(CALLER).last)
    assert jobs.expire_blocks() == 0

    clock.advance(timedelta(minutes=1))  # Thursday, 3 December, 10:00: the line is open

    assert caller.calls_through(CALLER).queued
    assert jobs.expire_blocks() == 1
    with svc.database.transaction() as session:
        block = session.scalars(select(CallerBlock)).one()
        assert block.number_hash is None and block.ended_how == "expired"
        messages = session.scalars(select(AuditEntry.message).order_by(AuditEntry.id)).all()
    assert messages[-2:] == [AuditMessage.CALLER_BLOCKED, AuditMessage.BLOCK_EXPIRED]
    assert "abgelaufen" in hotline("block", "list", "--all").output


def test_blocks_made_before_a_key_rotation_still_match_and_new_hashes_use_the_new_key(
    caller, svc, hotline, environment, clock, tmp_path, create_counsellor
):
    create_counsellor("Anna")
    first = caller.calls_through(CALLER)
    caller.hangs_up(first)
    hotline("block", "add", "--call", first.sid, "--reason", "x")
    new_key = generate_key()
    rotated = create_app(
        load_settings(
            {**environment, "HOTLINE_HASH_KEY": f"{new_key},{HASH_KEY}"},
            instance_path=tmp_path / "instance",
        ),
        clock=clock,
    )
    try:
        after = Caller(TwilioRequests(rotated.test_client()))
        refused = after.calls_through(CALLER)
        assert refused_politely(refused.last)
        old, new = CallerHasher([HASH_KEY]).number(CALLER), CallerHasher([new_key]).number(CALLER)
        assert old != new  # the hash changes with the key
        assert call_row(svc, refused.sid).caller_hash == new
        second_block = hotline(
            "block",
            "add",
            "--call",
            refused.sid,
            "--reason",
            "y",
            HOTLINE_HASH_KEY=f"{new_key},{HASH_KEY}",
        )
        assert second_block.exit_code == 0, second_block.output
        with svc.database.transaction() as session:
            hashes = session.scalars(select(CallerBlock.number_hash).order_by(CallerBlock.id)).all()
            key_ids = session.scalars(select(CallerBlock.key_id).order_by(CallerBlock.id)).all()
        assert hashes == [old, new] and key_ids[0] != key_ids[1]
        assert hotline("block", "lift", "1").exit_code == 0  # the old one lifted: the new holds
        assert refused_politely(after.calls_through(CALLER).last)
        assert hotline("block", "lift", "2").exit_code == 0
        assert after.calls_through(CALLER).queued
    finally:
        services(rotated).database.dispose()


def test_the_seventh_call_in_an_hour_from_one_number_is_refused(
    caller, svc, create_counsellor, clock
):
    create_counsellor("Anna")
    for _ in range(6):
        call = caller.calls_through(CALLER)
        assert call.queued
        caller.hangs_up(call)
        clock.advance(timedelta(minutes=9))

    seventh = caller.calls_through(CALLER)

    assert refused_politely(seventh.last)
    assert call_row(svc, seventh.sid).outcome == CallOutcome.TOO_MANY_CALLS
    assert caller.calls_through(OTHER).queued  # counted per number
    clock.advance(timedelta(minutes=12))  # six calls within the hour, the refused one too
    assert refused_politely(caller.calls_through(CALLER).last)
    clock.advance(timedelta(minutes=20))  # the first three more than an hour ago
    assert caller.calls_through(CALLER).queued


def test_flood_mode_challenges_a_withheld_caller_and_the_right_digits_lead_to_the_line(
    caller, svc, hotline, create_counsellor, dispatcher, fake_twilio
):
    create_counsellor("Anna")
    assert "eingeschaltet seit 26.11.2026 10:00 (von Hand)" in hotline("flood", "on").output

    call = caller.rings(WITHHELD)

    assert "Bitte geben Sie die Ziffern" in call.last and "please enter the digits" in call.last
    assert "<Enqueue" not in call.last and rung(fake_twilio, dispatcher) == 0
    greeting = caller.types_challenge(call, call.challenge_digits)
    assert "Guten Tag. Hier ist die starke Stelle" in greeting
    assert caller.to_the_line(call).queued
    assert rung(fake_twilio, dispatcher) == 1
    with svc.database.transaction() as session:
        challenge = session.scalars(select(CallChallenge)).one()
        assert challenge.passed_at is not None and challenge.failures == 0


def test_in_flood_mode_two_wrong_answers_hear_the_email_address_and_110(
    caller, svc, hotline, create_counsellor, dispatcher, fake_twilio
):
    create_counsellor("Anna")
    hotline("flood", "on")
    call = caller.rings(WITHHELD)
    first_digits = call.challenge_digits

    again = caller.types_challenge(call, "999" if first_digits != "999" else "998")
    assert "Das waren nicht die richtigen Ziffern" in again
    wrong = "0" * len(call.challenge_digits)
    ended = caller.types_challenge(call, wrong, attempt=2)

    assert refused_politely(ended) and "wieder nicht die richtigen Ziffern" in ended
    assert call_row(svc, call.sid).outcome == CallOutcome.CHALLENGE_FAILED
    assert rung(fake_twilio, dispatcher) == 0
    silent = caller.rings(WITHHELD)  # pressing nothing twice fails too
    caller.types_challenge(silent, "")
    assert refused_politely(caller.types_challenge(silent, "", attempt=2))


def test_flood_mode_off_again_greets_callers_at_once(caller, hotline, create_counsellor):
    create_counsellor("Anna")
    hotline("flood", "on")
    assert "Ziffern" in caller.rings(WITHHELD).last
    assert "ausgeschaltet seit" in hotline("flood", "off").output
    assert "war schon so" in hotline("flood", "off").output
    assert caller.calls_through(WITHHELD).queued


def test_refused_calls_are_counted_apart_and_never_in_the_service_level(
    caller, svc, hotline, create_counsellor
):
    from datetime import date
    from zoneinfo import ZoneInfo

    from hotline.reports.service_level import service_level
    from hotline.reports.statistics import load_statistics

    create_counsellor("Anna")
    first = caller.calls_through(CALLER)
    caller.hangs_up(first)
    hotline("block", "add", "--call", first.sid, "--reason", "x")
    caller.hangs_up(caller.calls_through(CALLER))  # blocked
    hotline("flood", "on")
    failed = caller.rings(WITHHELD)
    caller.types_challenge(failed, "")
    caller.types_challenge(failed, "", attempt=2)
    caller.hangs_up(failed)
    passed = caller.rings(OTHER)
    caller.types_challenge(passed, passed.challenge_digits)
    caller.to_the_line(passed)
    caller.hangs_up(passed)
    day, berlin = date(2026, 11, 26), ZoneInfo("Europe/Berlin")

    with svc.database.transaction() as session:
        figures = load_statistics(session, day, day, berlin)
        level = service_level(session, day, day, berlin, 60)

    (calls,) = figures.calls
    assert (calls.refused, calls.total) == (2, 4)
    assert (figures.challenged, figures.challenges_failed) == (2, 1)
    assert level.waited == 2  # the first call and the one that passed the challenge
