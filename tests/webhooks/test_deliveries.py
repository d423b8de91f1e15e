"""Twilio retries deliveries and sends status callbacks in any order: nothing may change twice."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text

from hotline.cases.models import Case
from hotline.telephony.call_log import find_call
from hotline.telephony.models import Call, CallDirection, CallOutcome, WebhookEvent
from tests.support.twilio import voice_params

CALL_SID = "CA" + "7" * 32
LEG_SID = "CA" + "8" * 32


def rows(svc, model) -> int:
    with svc.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def load_call(svc, sid=CALL_SID) -> Call:
    with svc.database.transaction() as session:
        call = find_call(session, sid)
        assert call is not None
        session.expunge(call)
        return call


def test_a_repeated_incoming_delivery_gets_the_same_answer_and_writes_nothing(twilio, svc):
    first = twilio.incoming(CALL_SID)
    second = twilio.incoming(CALL_SID)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert rows(svc, Call) == 1
    assert rows(svc, WebhookEvent) == 1


def test_a_repeated_case_number_step_opens_only_one_case(twilio, svc):
    twilio.incoming(CALL_SID)
    params = voice_params(CALL_SID, CallStatus="in-progress", Digits="")
    first = twilio.post("/twilio/voice/intake/case-number?attempt=1", params)
    second = twilio.post("/twilio/voice/intake/case-number?attempt=1", params)
    assert first.data == second.data
    assert rows(svc, Case) == 1


def test_the_same_digits_at_the_second_attempt_are_a_new_delivery(twilio, svc):
    """Each prompt has its own URL, so a caller repeating a wrong number is not a "retry"."""
    twilio.incoming(CALL_SID)
    params = voice_params(CALL_SID, CallStatus="in-progress", Digits="11111111")
    retry_prompt = twilio.post("/twilio/voice/intake/case-number?attempt=1", params)
    give_up = twilio.post("/twilio/voice/intake/case-number?attempt=2", params)
    assert b"noch einmal" in retry_prompt.data
    assert b"wieder nicht gefunden" in give_up.data
    assert rows(svc, Case) == 1


def test_status_callbacks_out_of_order_never_move_a_call_backwards(twilio, svc):
    twilio.incoming(CALL_SID)
    twilio.status(
        CALL_SID,
        "completed",
        CallDuration="95",
        SequenceNumber="3",
        Timestamp="Thu, 26 Nov 2026 09:05:00 +0000",
    )
    twilio.status(
        CALL_SID, "in-progress", SequenceNumber="1", Timestamp="Thu, 26 Nov 2026 09:03:25 +0000"
    )
    twilio.status(
        CALL_SID, "ringing", SequenceNumber="0", Timestamp="Thu, 26 Nov 2026 09:03:20 +0000"
    )
    call = load_call(svc)
    assert call.status == "completed"
    assert call.duration_seconds == 95
    assert call.ended_at.isoformat() == "2026-11-26T09:05:00+00:00"
    assert call.outcome == CallOutcome.ENDED_IN_INTAKE


def test_a_repeated_status_callback_changes_nothing(twilio, svc):
    twilio.incoming(CALL_SID)
    for _ in range(2):
        response = twilio.status(
            CALL_SID, "completed", CallDuration="30", Timestamp="Thu, 26 Nov 2026 09:05:00 +0000"
        )
        assert response.status_code == 200
    assert rows(svc, WebhookEvent) == 2  # the incoming call and one status delivery
    assert load_call(svc).duration_seconds == 30


def test_a_dialled_leg_is_recorded_under_its_parent_even_before_the_parent(twilio, svc):
    twilio.status(LEG_SID, "ringing", ParentCallSid=CALL_SID, Direction="outbound-dial")
    twilio.status(
        LEG_SID, "completed", ParentCallSid=CALL_SID, Direction="outbound-dial", CallDuration="240"
    )
    leg = load_call(svc, LEG_SID)
    assert leg.parent_call_sid == CALL_SID
    assert leg.direction == CallDirection.OUTBOUND_DIAL
    assert leg.status == "completed"
    assert leg.caller_number_encrypted is None
    assert leg.outcome is None


def test_status_callback_without_call_sid_is_a_clear_400(twilio, svc):
    response = twilio.post("/twilio/voice/status", {"CallStatus": "completed"})
    assert response.status_code == 400
    assert rows(svc, WebhookEvent) == 0


def test_stored_answers_are_kept_encrypted(twilio, svc, create_case):
    """An answer read back to a retry names the caller's case: stored only encrypted."""
    reference = create_case().reference
    twilio.incoming(CALL_SID)
    params = voice_params(CALL_SID, CallStatus="in-progress", Digits=reference)
    answer = twilio.post("/twilio/voice/intake/case-number?attempt=1", params)
    spoken = " ".join(reference[:4])
    assert spoken in answer.get_data(as_text=True)
    with svc.database.engine.connect() as connection:
        dump = " ".join(
            repr(row) for row in connection.exec_driver_sql("SELECT * FROM webhook_events")
        )
    assert spoken not in dump and reference not in dump
    assert twilio.post("/twilio/voice/intake/case-number?attempt=1", params).data == answer.data


def test_the_same_delivery_arriving_at_several_workers_at_once_is_handled_once(app, svc):
    """Twilio's retry can overlap the first attempt; the database decides who handles it."""
    from tests.support.twilio import TwilioRequests

    barrier = threading.Barrier(6)
    answers: list[bytes] = []

    def deliver() -> None:
        requests = TwilioRequests(app.test_client())
        barrier.wait()
        answers.append(requests.incoming(CALL_SID).data)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 6 and len(set(answers)) == 1
    assert rows(svc, Call) == 1
    assert rows(svc, WebhookEvent) == 1


def test_a_status_callback_before_the_incoming_webhook_keeps_the_callers_number(twilio, svc):
    twilio.status(CALL_SID, "ringing", Direction="inbound")
    twilio.incoming(CALL_SID)
    call = load_call(svc)
    assert call.caller_withheld is False
    assert svc.cipher.decrypt(call.caller_number_encrypted) == "+4915123456789"
    assert call.answered_at is not None


def test_a_status_callback_waits_for_a_concurrent_writer_and_never_undoes_it(app, svc, twilio):
    """While another transaction marks the call completed, a late "in-progress" must wait for
    it and then see "completed" (a read without a row lock would overwrite it)."""
    from tests.support.twilio import TwilioRequests

    twilio.status(CALL_SID, "ringing")
    late = threading.Thread(
        target=lambda: TwilioRequests(app.test_client()).status(CALL_SID, "in-progress")
    )
    with svc.database.engine.begin() as other_worker:
        if other_worker.dialect.name == "postgresql":  # it has read the row for its update
            other_worker.execute(
                text("SELECT id FROM calls WHERE call_sid = :sid FOR UPDATE"), {"sid": CALL_SID}
            )
        late.start()
        late.join(timeout=0.5)
        assert late.is_alive(), "the late callback did not wait for the other writer"
        other_worker.execute(
            text("UPDATE calls SET status = 'completed' WHERE call_sid = :sid"), {"sid": CALL_SID}
        )
    late.join(timeout=10)
    assert load_call(svc).status == "completed"
