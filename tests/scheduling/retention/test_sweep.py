"""The retention sweep deletes exactly what is due: a caller's number a month after its last
use, a closed case's personal details a year after closing, the webhook log after a month;
a day younger, or still open, and nothing is touched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hotline.appointments.models import Appointment
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.models import Case, CaseStatus
from hotline.outbox.models import WorkItem, WorkState
from hotline.retention.config import RetentionConfig
from hotline.staff.models import LoginThrottle, StaffSession
from hotline.telephony.models import Call, WebhookEvent
from scheduling.retention.sweep import RetentionCounts, sweep

DEFAULTS = RetentionConfig()
DAY = timedelta(days=1)


def run_sweep(svc, rows, config=DEFAULTS) -> RetentionCounts:
    return sweep(svc.database, rows.now, config, svc.cipher)


def test_callers_numbers_go_a_month_after_the_call_ended(svc, rows):
    due = rows.call(started=rows.days_ago(31.1), ended=rows.days_ago(31))
    never_ended = rows.call(started=rows.days_ago(31), ended=None)
    recent = rows.call(started=rows.days_ago(29.1), ended=rows.days_ago(29))
    # a number is used until the call ends, however long ago it started
    long_call = rows.call(started=rows.days_ago(31), ended=rows.days_ago(29))
    withheld = rows.call(started=rows.days_ago(40), ended=rows.days_ago(40), number=False)

    counts = run_sweep(svc, rows)

    assert counts.call_numbers == 2
    assert rows.get(Call, due).caller_number_encrypted is None
    assert rows.get(Call, never_ended).caller_number_encrypted is None
    assert rows.get(Call, recent).caller_number_encrypted is not None
    assert rows.get(Call, long_call).caller_number_encrypted is not None
    kept = rows.get(Call, due)
    assert kept.started_at == rows.days_ago(31.1) and kept.ended_at == rows.days_ago(31)
    assert rows.get(Call, withheld).caller_withheld


def test_callback_numbers_go_a_month_after_the_callback_is_over_never_while_it_is_open(svc, rows):
    old, young = rows.days_ago(31), rows.days_ago(29)
    due = [
        rows.callback(CallbackState.DONE, updated=old, ended=old),
        rows.callback(CallbackState.FAILED, updated=old, ended=old),
        rows.callback(CallbackState.CANCELED, updated=old, ended=old),
        rows.callback(CallbackState.DRAFT, updated=old),  # never got a time
    ]
    kept = [
        rows.callback(CallbackState.DONE, updated=young, ended=young),
        rows.callback(CallbackState.CANCELED, updated=young),
        # ended is what counts when it is known
        rows.callback(CallbackState.FAILED, updated=old, ended=young),
        # waiting for their time, or being placed: the number is still needed
        rows.callback(CallbackState.BOOKED, updated=rows.days_ago(400)),
        rows.callback(CallbackState.CALLING, updated=rows.days_ago(400)),
    ]

    counts = run_sweep(svc, rows)

    assert counts.callback_numbers == len(due)
    assert [rows.get(Callback, id).number_encrypted for id in due] == [None] * len(due)
    assert all(rows.get(Callback, id).number_encrypted is not None for id in kept)
    assert rows.get(Callback, due[0]).state == CallbackState.DONE


def test_appointment_contacts_go_a_month_after_the_appointment_or_its_cancellation(svc, rows):
    held = rows.appointment(end=rows.days_ago(31))
    # cancelled for a time still ahead: the cancellation was the last use
    canceled_long_ago = rows.appointment(end=rows.days_ago(-20), canceled=rows.days_ago(31))
    recent = rows.appointment(end=rows.days_ago(29))
    canceled_recently = rows.appointment(end=rows.days_ago(60), canceled=rows.days_ago(29))
    upcoming = rows.appointment(end=rows.days_ago(-3))
    already_gone = rows.appointment(end=rows.days_ago(90), contact=False)

    counts = run_sweep(svc, rows)

    assert counts.appointment_contacts == 2
    for appointment_id in (held, canceled_long_ago):
        appointment = rows.get(Appointment, appointment_id)
        assert appointment.name_encrypted is None
        assert appointment.email_encrypted is None
        assert appointment.phone_encrypted is None
        assert appointment.room and appointment.token_encrypted  # the rest stays
    for appointment_id in (recent, canceled_recently, upcoming):
        appointment = rows.get(Appointment, appointment_id)
        assert appointment.name_encrypted and appointment.email_encrypted
        assert appointment.phone_encrypted
    assert rows.get(Appointment, already_gone).end == rows.days_ago(90)


def test_dead_work_loses_its_payload_a_month_after_it_gave_up(svc, rows):
    due = rows.work_item(WorkState.DEAD, finished=rows.days_ago(31))
    recent = rows.work_item(WorkState.DEAD, finished=rows.days_ago(29))
    waiting = rows.work_item(WorkState.FAILED, finished=None)

    counts = run_sweep(svc, rows)

    assert counts.work_payloads == 1
    assert rows.get(WorkItem, due).payload_encrypted is None
    assert rows.get(WorkItem, due).state == WorkState.DEAD
    assert rows.get(WorkItem, recent).payload_encrypted is not None
    assert rows.get(WorkItem, waiting).payload_encrypted is not None


def test_closed_cases_are_anonymised_a_year_after_closing_and_keep_what_statistics_need(svc, rows):
    closed_at = rows.days_ago(366)
    due = rows.case(CaseStatus.CLOSED, updated=closed_at, closed=closed_at)
    young = rows.case(CaseStatus.CLOSED, updated=rows.days_ago(364), closed=rows.days_ago(364))
    open_case = rows.case(CaseStatus.IN_PROGRESS, updated=rows.days_ago(500))
    timeline_before = rows.timeline(due)

    counts = run_sweep(svc, rows)

    assert (counts.cases_anonymised, counts.case_event_texts, counts.referral_outcomes) == (1, 2, 1)
    case = rows.get(Case, due)
    assert case.notes_encrypted is None and case.anonymised_at == rows.now
    assert (case.status, case.federal_state, case.topic) == (CaseStatus.CLOSED, "BY", "threat")
    assert (case.closed_at, case.updated_at) == (closed_at, closed_at)
    assert case.created_at == closed_at - 30 * DAY
    timeline = rows.timeline(due)
    assert [event.text for event in timeline] == ["", ""]
    assert [event.params for event in timeline] == [None, None]  # nothing left to say it from
    assert [(event.kind, event.at) for event in timeline] == [
        (event.kind, event.at) for event in timeline_before
    ]
    referral = rows.referral(due)
    assert referral.follow_up_outcome_encrypted is None
    assert referral.referred_on == (closed_at - DAY).date()
    for untouched in (young, open_case):
        assert rows.get(Case, untouched).notes_encrypted is not None
        assert rows.get(Case, untouched).anonymised_at is None
        assert all(event.text for event in rows.timeline(untouched))
        assert rows.referral(untouched).follow_up_outcome_encrypted is not None


def test_a_case_anonymised_before_is_not_counted_again(svc, rows):
    earlier = rows.days_ago(10)
    case_id = rows.case(
        CaseStatus.CLOSED, updated=rows.days_ago(800), closed=rows.days_ago(800), anonymised=earlier
    )

    counts = run_sweep(svc, rows)

    assert counts.cases_anonymised == 0
    assert rows.get(Case, case_id).anonymised_at == earlier


def test_the_webhook_log_is_pruned_after_a_month(svc, rows):
    old = [rows.webhook_event(received=rows.days_ago(31)) for _ in range(3)]
    young = rows.webhook_event(received=rows.days_ago(29))

    counts = run_sweep(svc, rows)

    assert counts.webhook_events == len(old)
    assert rows.count(WebhookEvent) == 1
    assert rows.get(WebhookEvent, young).response_encrypted is not None


def test_configured_periods_are_followed(svc, rows):
    config = RetentionConfig(contact_days=7, closed_case_days=90, webhook_log_days=2)
    calls = [rows.call(started=rows.days_ago(d), ended=rows.days_ago(d)) for d in (8, 6)]
    cases = [
        rows.case(CaseStatus.CLOSED, updated=rows.days_ago(d), closed=rows.days_ago(d))
        for d in (91, 89)
    ]
    deliveries = [rows.webhook_event(received=rows.days_ago(d)) for d in (3, 1)]

    counts = run_sweep(svc, rows, config)

    assert (counts.call_numbers, counts.cases_anonymised, counts.webhook_events) == (1, 1, 1)
    assert [rows.get(Call, id).caller_number_encrypted is None for id in calls] == [True, False]
    assert [rows.get(Case, id).anonymised_at is not None for id in cases] == [True, False]
    assert rows.count(WebhookEvent) == 1 and rows.get(WebhookEvent, deliveries[1])


def test_console_sessions_and_login_failures_go_when_no_longer_useful(svc, rows):
    old = rows.staff_session(started=rows.days_ago(31), ended=rows.days_ago(30.5))
    ended_lately = rows.staff_session(started=rows.days_ago(2), ended=rows.days_ago(1))
    running = rows.staff_session(started=rows.now - timedelta(hours=1), ended=None)
    forgotten = rows.staff_session(started=rows.days_ago(40), ended=None)  # ran out long ago
    rows.login_failures(updated=rows.days_ago(1.5))
    rows.login_failures(updated=rows.now - timedelta(minutes=5))
    counts = run_sweep(svc, rows)
    assert (counts.staff_sessions, counts.login_failures) == (2, 1)
    with svc.database.transaction() as session:
        left = set(session.scalars(select(StaffSession.id)))
    assert left == {ended_lately, running} and not left & {old, forgotten}
    assert rows.count(LoginThrottle) == 1


def test_a_second_sweep_finds_nothing_left_to_do(svc, rows):
    rows.call(started=rows.days_ago(31), ended=rows.days_ago(31))
    rows.callback(CallbackState.DONE, updated=rows.days_ago(31), ended=rows.days_ago(31))
    rows.appointment(end=rows.days_ago(31))
    rows.case(CaseStatus.CLOSED, updated=rows.days_ago(366), closed=rows.days_ago(366))
    rows.webhook_event(received=rows.days_ago(31))
    rows.work_item(WorkState.DEAD, finished=rows.days_ago(31))
    rows.staff_session(started=rows.days_ago(32), ended=rows.days_ago(31))
    rows.login_failures(updated=rows.days_ago(2))

    first = run_sweep(svc, rows)
    second = run_sweep(svc, rows)

    assert all(first.as_fields().values())  # every rule found something
    assert second == RetentionCounts()
