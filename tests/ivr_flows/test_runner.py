"""The call logic runs without HTTP: a step, its effects and the legs it records."""

from __future__ import annotations

import pytest
from twilio.twiml.voice_response import VoiceResponse

from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallDirection, CallOutcome
from ivr_flows.runner import StepRequest
from ivr_flows.step_table import build_step_table
from ivr_flows.steps import Step, StepResult, StepTable
from tests.support.twilio import voice_params
from webhooks.context import flow_runner

CALL_SID = "CA" + "5" * 32
LEG_SID = "CA" + "6" * 32


def test_a_step_runs_and_its_effects_are_applied_without_any_http(app, svc, clock):
    runner = flow_runner(app)
    with svc.database.transaction() as session:
        runner.run(
            session,
            clock.now(),
            runner.find("incoming"),
            StepRequest(call_sid=CALL_SID, caller="+4915123456789"),
        )
        outcome = runner.run(
            session, clock.now(), runner.find("intake/language"), StepRequest(CALL_SID, "9")
        )
    assert "dial the emergency number 1 1 0" in outcome.twiml
    assert outcome.effects.language == "en"
    with svc.database.transaction() as session:
        call = find_call(session, CALL_SID)
        assert call.language == "en" and call.direction == CallDirection.INBOUND
        assert svc.cipher.decrypt(call.caller_number_encrypted) == "+4915123456789"


def test_the_step_table_names_every_path_once():
    table = build_step_table()
    paths = [step.path for step in table]
    assert "incoming" in paths and len(paths) == len(set(paths))
    assert [step.path for step in table if step.answers_new_call] == ["incoming"]
    with pytest.raises(ValueError, match="listed twice"):
        StepTable([*table, Step("route", lambda ctx, step: StepResult(VoiceResponse()))])


def test_a_leg_the_service_dialled_is_recorded_as_such_not_as_an_inbound_caller(twilio, svc):
    """A counsellor's leg that reaches a step is neither a withheld caller nor a call that
    "ended in intake": statistics and the coming whisper legs depend on it."""
    twilio.incoming(CALL_SID)
    leg = voice_params(
        LEG_SID, Direction="outbound-dial", ParentCallSid=CALL_SID, CallStatus="in-progress"
    )
    assert twilio.post("/twilio/voice/route", leg).status_code == 200
    twilio.status(
        LEG_SID, "completed", Direction="outbound-dial", ParentCallSid=CALL_SID, CallDuration="20"
    )
    with svc.database.transaction() as session:
        recorded = find_call(session, LEG_SID)
        assert recorded.direction == CallDirection.OUTBOUND_DIAL
        assert recorded.parent_call_sid == CALL_SID
        assert recorded.caller_withheld is False and recorded.caller_number_encrypted is None
        assert recorded.outcome not in (CallOutcome.ENDED_IN_INTAKE, CallOutcome.HUNG_UP)
