"""The outbox: work written with the change that causes it, done exactly once, when due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hotline.mail.mailer import SmtpMailer
from hotline.outbox import side_effects
from hotline.outbox.kinds import WorkKind, WorkKinds
from hotline.outbox.models import WorkItem, WorkState
from hotline.outbox.queue import Work, enqueue
from hotline.scheduler.config import SchedulerConfig
from scheduling.scheduler.dispatcher import Dispatcher
from tests.support.twilio import AUTH_TOKEN, PUBLIC_BASE_URL, sign

NUMBER = "+4922812345678"


def call_work(key: str, due_at, **extra) -> Work:
    return side_effects.place_call(
        key, to=NUMBER, answer_path="whisper", due_at=due_at, ring_seconds=20, **extra
    )


def items_in(svc, state: str) -> int:
    with svc.database.transaction() as session:
        return session.scalar(
            select(func.count()).select_from(WorkItem).where(WorkItem.state == state)
        )


def test_work_written_in_a_rolled_back_transaction_never_runs(svc, clock, dispatcher, fake_twilio):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), svc.database.transaction() as session:
        enqueue(session, svc.cipher, clock.now(), call_work("rolled-back", clock.now()))
        raise Refused
    assert dispatcher.dispatch_due() == []
    assert fake_twilio.calls_created() == []


def test_the_same_work_queued_twice_is_one_row(svc, clock):
    for _ in range(2):
        with svc.database.transaction() as session:
            enqueue(
                session, svc.cipher, clock.now(), call_work("callback:42:attempt:1", clock.now())
            )
    with svc.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WorkItem)) == 1


def test_the_payload_is_stored_encrypted(svc, clock, factories):
    factories.queued(call_work("secret", clock.now()))
    with svc.database.engine.connect() as connection:
        dump = repr(list(connection.exec_driver_sql("SELECT * FROM work_items")))
    assert "12345678" not in dump and "whisper" not in dump


def test_200_items_are_each_done_exactly_once(svc, clock, work_tools, fake_twilio):
    for number in range(200):
        factories_key = f"bulk:{number}"
        with svc.database.transaction() as session:
            enqueue(session, svc.cipher, clock.now(), call_work(factories_key, clock.now()))
    dispatcher = Dispatcher(
        side_effects_kinds(), work_tools, SchedulerConfig(workers=8, batch_size=50), "node-a"
    )
    try:
        dispatcher.dispatch_until_idle()
    finally:
        dispatcher.close()
    per_item = fake_twilio.requests_per_work_item()
    assert len(per_item) == 200 and set(per_item.values()) == {1}
    assert items_in(svc, WorkState.DONE) == 200


def side_effects_kinds() -> WorkKinds:
    return WorkKinds(side_effects.SIDE_EFFECTS)


def test_a_placed_call_rings_the_right_number_with_the_work_item_in_its_callback(
    clock, factories, dispatcher, fake_twilio
):
    item = factories.queued(call_work("ring", clock.now()))
    dispatcher.dispatch_due()
    (created,) = fake_twilio.calls_created()
    assert created["To"] == [NUMBER] and created["From"] == ["+498003009944"]
    assert created["Url"] == [f"{PUBLIC_BASE_URL}/twilio/voice/whisper"]
    assert created["StatusCallback"] == [f"{PUBLIC_BASE_URL}/twilio/voice/status?work={item.id}"]
    assert created["Timeout"] == ["20"] and created.get("Record") == ["false"]
    done = factories.work_item(item.id)
    assert done.state == WorkState.DONE and done.reference.startswith("CA")


def test_an_item_due_later_waits_for_its_time(clock, factories, dispatcher, fake_twilio):
    item = factories.queued(call_work("later", clock.now() + timedelta(minutes=10)))
    assert dispatcher.dispatch_due() == []
    clock.advance(timedelta(minutes=9, seconds=59))
    assert dispatcher.dispatch_due() == []
    clock.advance(timedelta(seconds=1))
    assert [outcome.item_id for outcome in dispatcher.dispatch_due()] == [item.id]
    assert len(fake_twilio.calls_created()) == 1


def test_a_passing_failure_is_retried_with_backoff_then_done(
    clock, factories, dispatcher, fake_twilio
):
    fake_twilio.fail_next(503)
    item = factories.queued(call_work("flaky", clock.now()))
    (first,) = dispatcher.dispatch_due()
    assert first.state == WorkState.FAILED
    failed = factories.work_item(item.id)
    assert failed.last_error == "Twilio answered 503 (code 20500)"
    assert failed.due_at == clock.now() + timedelta(seconds=10)
    assert dispatcher.dispatch_due() == []  # not before its backoff
    clock.advance(timedelta(seconds=10))
    (second,) = dispatcher.dispatch_due()
    assert second.state == WorkState.DONE
    assert fake_twilio.requests_per_work_item()[item.id] == 2


def test_a_permanent_failure_is_not_retried_and_can_be_retried_by_hand(
    svc, clock, factories, dispatcher, fake_twilio
):
    fake_twilio.fail_next(400)
    item = factories.queued(call_work("invalid-number", clock.now()))
    (outcome,) = dispatcher.dispatch_due()
    assert outcome.state == WorkState.DEAD
    clock.advance(timedelta(hours=2))
    assert dispatcher.dispatch_due() == []
    assert fake_twilio.requests_per_work_item()[item.id] == 1

    from hotline.outbox.queue import retry_now

    with svc.database.transaction() as session:
        assert retry_now(session, item.id, clock.now())
    (again,) = dispatcher.dispatch_due()
    assert again.state == WorkState.DONE


def test_an_item_that_keeps_failing_ends_dead_after_its_attempts(
    clock, factories, dispatcher, fake_twilio
):
    fake_twilio.fail_with = 503
    item = factories.queued(
        Work(
            "place_call", "never", clock.now(), call_work("x", clock.now()).payload, max_attempts=3
        )
    )
    states = []
    for _ in range(3):
        states += [outcome.state for outcome in dispatcher.dispatch_due()]
        clock.advance(timedelta(hours=1))
    assert states == [WorkState.FAILED, WorkState.FAILED, WorkState.DEAD]
    assert factories.work_item(item.id).attempts == 3
    assert fake_twilio.requests_per_work_item()[item.id] == 3


def test_an_unknown_kind_goes_dead_with_a_clear_error(clock, factories, dispatcher):
    item = factories.queued(Work("teleport", "teleport:1", clock.now()))
    (outcome,) = dispatcher.dispatch_due()
    assert outcome.state == WorkState.DEAD
    assert factories.work_item(item.id).last_error == "no handler for work kind 'teleport'"


class ProcessDied(BaseException):
    """Stands in for `kill -9` right after the side effect: nothing after it runs."""


def dying_after(kind: WorkKind) -> WorkKind:
    def handler(item, tools):
        kind.handler(item, tools)
        raise ProcessDied

    return WorkKind(kind.name, handler, sent_counts_as_done=kind.sent_counts_as_done)


def test_a_crash_after_placing_a_call_does_not_place_it_again(
    clock, factories, work_tools, scheduler_config, fake_twilio, twilio, dispatcher
):
    """The scheduler dies between the REST call and recording it; Twilio's status callback
    names the work item, so the recovery knows the call went out."""
    (place, *_) = side_effects.SIDE_EFFECTS
    doomed = Dispatcher(WorkKinds([dying_after(place)]), work_tools, scheduler_config, "doomed")
    item = factories.queued(call_work("crash", clock.now()))
    with pytest.raises(ProcessDied):
        doomed.dispatch_due()
    assert factories.work_item(item.id).state == WorkState.RUNNING

    (created,) = fake_twilio.calls_created()
    callback = created["StatusCallback"][0]
    params = {"CallSid": "CA" + "d" * 32, "CallStatus": "initiated", "Direction": "outbound-api"}
    path = callback.removeprefix(PUBLIC_BASE_URL)
    assert (
        twilio.post(path, params, signature=sign(callback, params, AUTH_TOKEN)).status_code == 200
    )

    clock.advance(timedelta(seconds=scheduler_config.lease_seconds + 1))
    recovery = dispatcher.recover()
    assert (recovery.completed, recovery.requeued) == (1, 0)
    assert dispatcher.dispatch_due() == []
    assert len(fake_twilio.calls_created()) == 1
    assert factories.work_item(item.id).state == WorkState.DONE


def test_a_crash_before_twilio_confirmed_the_call_retries_it(
    clock, factories, work_tools, scheduler_config, fake_twilio, dispatcher
):
    """Without a status callback nobody knows whether the call went out: ringing twice is
    better than never calling back."""
    (place, *_) = side_effects.SIDE_EFFECTS
    doomed = Dispatcher(WorkKinds([dying_after(place)]), work_tools, scheduler_config, "doomed")
    item = factories.queued(call_work("crash-unknown", clock.now()))
    with pytest.raises(ProcessDied):
        doomed.dispatch_due()
    clock.advance(timedelta(seconds=30))
    assert dispatcher.recover().requeued == 0  # the lease is not over yet
    clock.advance(timedelta(seconds=31))
    assert dispatcher.recover().requeued == 1
    (outcome,) = dispatcher.dispatch_due()
    assert outcome.state == WorkState.DONE
    assert fake_twilio.requests_per_work_item()[item.id] == 2


def test_a_mail_arrives_with_its_stable_message_id(svc, clock, factories, work_tools, smtp):
    from dataclasses import replace

    tools = replace(work_tools, mailer=SmtpMailer(smtp.url))
    dispatcher = Dispatcher(side_effects_kinds(), tools, SchedulerConfig(workers=1), "mail-node")
    work = side_effects.send_mail(
        "invitation:7:1",
        to=["anna.berger@example.org"],
        subject="Ihr Termin bei der starken Stelle",
        text="Guten Tag,\nIhr Video-Termin ist bestätigt.",
        due_at=clock.now(),
        attachments=[
            ("termin.ics", "text/calendar; method=REQUEST", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        ],
    )
    item = factories.queued(work)
    try:
        (outcome,) = dispatcher.dispatch_due()
    finally:
        dispatcher.close()
    assert outcome.state == WorkState.DONE
    (mail,) = smtp.received
    assert mail.recipients == ["anna.berger@example.org"]
    message_id = mail.message["Message-ID"]
    assert message_id.startswith(f"<work-{item.id}.") and message_id.endswith("@starkestelle.de>")
    assert factories.work_item(item.id).reference == message_id
    assert "bestätigt" in mail.message.get_body(("plain",)).get_content()
    (attachment,) = mail.message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"


def test_a_refused_mail_is_retried_only_when_the_server_says_later(
    clock, factories, work_tools, smtp
):
    from dataclasses import replace

    tools = replace(work_tools, mailer=SmtpMailer(smtp.url, timeout=2))
    dispatcher = Dispatcher(side_effects_kinds(), tools, SchedulerConfig(workers=1), "mail-node")

    def mail(key: str, to: str) -> Work:
        return side_effects.send_mail(key, to=[to], subject="s", text="t", due_at=clock.now())

    try:
        smtp.fail_next(1, 451)
        later = factories.queued(mail("m:1", "a@example.org"))
        (first,) = dispatcher.dispatch_due()
        smtp.fail_next(1, 550)
        never = factories.queued(mail("m:2", "b@example.org"))
        (second,) = dispatcher.dispatch_due()
    finally:
        dispatcher.close()
    assert (first.item_id, first.state) == (later.id, WorkState.FAILED)
    assert (second.item_id, second.state) == (never.id, WorkState.DEAD)
    assert "@" not in factories.work_item(never.id).last_error


def test_an_sms_names_its_work_item_for_twilios_status_callback(
    clock, factories, dispatcher, fake_twilio
):
    item = factories.queued(
        side_effects.send_sms(
            "sms:1", to="+4915123456789", body="Rückruf morgen um 10 Uhr", due_at=clock.now()
        )
    )
    dispatcher.dispatch_due()
    (sent,) = fake_twilio.messages_sent()
    assert sent["StatusCallback"] == [f"{PUBLIC_BASE_URL}/twilio/messages/status?work={item.id}"]
    assert sent["Body"] == ["Rückruf morgen um 10 Uhr"]
