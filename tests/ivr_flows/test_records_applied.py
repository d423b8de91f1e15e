"""The runner applies what a step records: in the step's order, in the transaction that also
stores the delivery, so a Twilio retry applies nothing twice and a failure applies nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from hotline.callbacks.models import Callback, CallbackState
from hotline.outbox.models import WorkItem
from hotline.telephony.models import WebhookEvent
from hotline.telephony.phone_numbers import callback_number
from ivr_flows.records import (
    CallbackConfirmationSms,
    CallbackInLine,
    CallbackNumberTaken,
    Record,
    apply_records,
)
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult, StepTable
from scheduling.callbacks.desk import CallbackDesk
from tests.support.callbacks import HOTLINE
from tests.support.steps import Reads
from tests.support.twilio import CALLER, voice_params
from webhooks.context import flow_runner

CALL_SID = "CA" + "7" * 32
STEP_PATH = "test/records"
IN_LINE_WITH_SMS = (
    CallbackNumberTaken(callback_number(CALLER, hotline_number=HOTLINE)),
    CallbackInLine(),  # the callback the number above is held on
    CallbackConfirmationSms("starke Stelle: Wir rufen Sie so bald wie möglich zurück."),
)
DESK_WRITES = ("take_number", "book_as_soon_as_possible", "confirm_by_sms")


@pytest.fixture
def caller_with_a_case(twilio) -> str:
    """A caller who pressed nothing at the case number: the call has a new case stub."""
    twilio.incoming(CALL_SID)
    twilio.post("/twilio/voice/intake/case-number", voice_params(CALL_SID, Digits=""))
    return CALL_SID


@pytest.fixture
def desk_writes(monkeypatch) -> list[tuple[str, bool]]:
    """The callback desk's writes as they happen: which, and whether the step's delivery was
    stored by then (the webhook stores it last in the transaction, with the answer)."""
    seen: list[tuple[str, bool]] = []
    for name in DESK_WRITES:
        write = getattr(CallbackDesk, name)

        def spy(desk: CallbackDesk, *args: Any, _name: str = name, _write: Any = write) -> Any:
            seen.append((_name, _step_delivered(desk.session) > 0))
            return _write(desk, *args)

        monkeypatch.setattr(CallbackDesk, name, spy)
    return seen


def _step_delivered(session: Session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(WebhookEvent)
        .where(WebhookEvent.endpoint == f"voice/{STEP_PATH}")
    )


def _answering(app, monkeypatch, records: tuple[Record, ...], fail: bool = False) -> None:
    """The app's steps and one more under STEP_PATH, which returns `records` (or raises)."""

    def step(ctx: StepContext, step: StepInput) -> StepResult:
        if fail:
            raise RuntimeError("the step failed")
        return StepResult(VoiceResponse(), Effects(records=records))

    runner = flow_runner(app)
    monkeypatch.setattr(runner, "steps", StepTable([*runner.steps, Step(STEP_PATH, step)]))


def _counts(svc) -> dict[str, int]:
    with svc.database.transaction() as session:
        of_the_call = (
            select(func.count()).select_from(Callback).where(Callback.call_sid == CALL_SID)
        )
        return {
            "callbacks": session.scalar(of_the_call),
            "booked": session.scalar(of_the_call.where(Callback.state == CallbackState.BOOKED)),
            "sms": session.scalar(
                select(func.count()).select_from(WorkItem).where(WorkItem.kind == "send_sms")
            ),
            "deliveries": _step_delivered(session),
        }


def test_records_are_applied_in_order_in_the_step_transaction_and_committed_with_its_delivery(
    app, svc, twilio, monkeypatch, caller_with_a_case, desk_writes
):
    _answering(app, monkeypatch, IN_LINE_WITH_SMS)
    assert twilio.post(f"/twilio/voice/{STEP_PATH}", voice_params(CALL_SID)).status_code == 200
    # in the step's order, each before the delivery record closes the transaction
    assert desk_writes == [(name, False) for name in DESK_WRITES]
    # and committed with it: the callback booked for now, its SMS queued, the delivery stored
    assert _counts(svc) == {"callbacks": 1, "booked": 1, "sms": 1, "deliveries": 1}


def test_twilios_retry_of_the_delivery_applies_the_records_not_again(
    app, svc, twilio, monkeypatch, caller_with_a_case
):
    _answering(app, monkeypatch, IN_LINE_WITH_SMS)
    params = voice_params(CALL_SID)
    first = twilio.post(f"/twilio/voice/{STEP_PATH}", params)
    again = twilio.post(f"/twilio/voice/{STEP_PATH}", params)
    assert again.get_data() == first.get_data()
    assert _counts(svc) == {"callbacks": 1, "booked": 1, "sms": 1, "deliveries": 1}


def test_nothing_is_applied_when_the_step_raises(
    app, svc, twilio, monkeypatch, caller_with_a_case, desk_writes
):
    _answering(app, monkeypatch, IN_LINE_WITH_SMS, fail=True)
    answer = twilio.post(f"/twilio/voice/{STEP_PATH}", voice_params(CALL_SID))
    assert answer.status_code == 200 and "<Hangup />" in answer.get_data(as_text=True)
    assert desk_writes == []
    assert _counts(svc) == {"callbacks": 0, "booked": 0, "sms": 0, "deliveries": 0}


def test_a_record_that_cannot_be_applied_takes_the_ones_before_it_back(
    app, svc, twilio, monkeypatch, caller_with_a_case
):
    def refused(desk: CallbackDesk, callback_id: int) -> None:
        raise RuntimeError("the database refused")

    monkeypatch.setattr(CallbackDesk, "book_as_soon_as_possible", refused)
    _answering(app, monkeypatch, IN_LINE_WITH_SMS)
    answer = twilio.post(f"/twilio/voice/{STEP_PATH}", voice_params(CALL_SID))
    assert answer.status_code == 200 and "<Hangup />" in answer.get_data(as_text=True)
    # the number taken first is rolled back with the rest: no draft holds it
    assert _counts(svc) == {"callbacks": 0, "booked": 0, "sms": 0, "deliveries": 0}


def test_a_callback_record_needs_the_number_taken_before_it():
    unit = Reads()  # no desk is asked: the record names no callback to act on
    with pytest.raises(ValueError, match="no CallbackNumberTaken before"):
        apply_records(unit, CALL_SID, (CallbackInLine(),))  # type: ignore[arg-type]
