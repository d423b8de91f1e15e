"""A callback's counsellor legs as Twilio plays them: the outbound call the service placed,
its progress reports, the counsellor's keys, the caller dialled, and the next counsellor rung
when one passes."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from hotline.clock import FixedClock
from hotline.simulator import (
    CALLEE_DIAL_PROMPT,
    CallbackGateway,
    CallbackLegs,
    CallEvent,
    CallPlayer,
    EventKind,
    FixedDialOutcome,
    InteractiveCaller,
    ScriptedCaller,
    Switchboard,
    format_callback_event,
)
from hotline.telephony.gateway import OutboundCall
from hotline.telephony.phone_numbers import mask
from tests.hotline.simulator.canned import STATUS, FakeService, twiml

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
HOTLINE = "+498003009944"
CALLER = "+4915123456789"
COUNSELLORS = ("+4922855550100", "+4922855550200")
WHISPER = "/twilio/voice/callback/whisper"
DIAL = "/twilio/voice/callback/dial"
DIALED = "/twilio/voice/callback/dialed"
RESULT = "/twilio/voice/callback/result"


@dataclass
class CallbackDesk:
    """The service's side: the whisper, 1 dials the caller, anything else passes it on (the
    next counsellor is rung by the next dispatch); after the call, 1 = talked."""

    gateway: CallbackGateway | None = None
    to_ring: deque[str] = field(default_factory=lambda: deque(COUNSELLORS))
    ringing: bool = False
    outcome: str | None = None
    dial_statuses: list[str] = field(default_factory=list)

    def dispatch(self) -> None:
        if self.gateway is None or self.ringing or self.outcome or not self.to_ring:
            return
        self.ringing = True
        work = len(COUNSELLORS) - len(self.to_ring) + 1
        self.gateway.place_call(
            OutboundCall(
                to=self.to_ring.popleft(),
                twiml_url=f"{WHISPER}?attempt=1",
                status_callback_url=f"{STATUS}?work={work}",
                caller_id=HOTLINE,
            )
        )

    def whisper(self, params: dict[str, str]) -> str:
        return twiml(
            f'<Gather numDigits="1" timeout="8" action="{DIAL}?attempt=1" '
            'actionOnEmptyResult="true"><Say language="de-DE">Rückruf für Fall 1 2 3 4.</Say>'
            "</Gather>"
        )

    def dial(self, params: dict[str, str]) -> str:
        if params["Digits"] != "1":
            return twiml('<Say language="de-DE">Weiter an die nächste.</Say><Hangup/>')
        return twiml(
            f'<Dial callerId="{HOTLINE}" answerOnBridge="true" timeout="30" '
            f'action="{DIALED}?attempt=1"><Number>{CALLER}</Number></Dial>'
        )

    def dialed(self, params: dict[str, str]) -> str:
        self.dial_statuses.append(params["DialCallStatus"])
        if params["DialCallStatus"] != "completed":
            self.outcome = "unreached"
            return twiml('<Say language="de-DE">Nicht erreicht.</Say><Hangup/>')
        return twiml(
            f'<Gather numDigits="1" timeout="6" action="{RESULT}?attempt=1" '
            'actionOnEmptyResult="true"><Say language="de-DE">1 oder 2?</Say></Gather>'
        )

    def result(self, params: dict[str, str]) -> str:
        self.outcome = "talked" if params["Digits"] == "1" else "mailbox"
        return twiml('<Say language="de-DE">Danke.</Say><Hangup/>')

    def status(self, params: dict[str, str]) -> str:
        if params["CallStatus"] == "completed":
            self.ringing = False
        return twiml("")


def service_for(desk: CallbackDesk) -> FakeService:
    return FakeService(
        {
            WHISPER: desk.whisper,
            DIAL: desk.dial,
            DIALED: desk.dialed,
            RESULT: desk.result,
            STATUS: desk.status,
        }
    )


@dataclass
class Played:
    desk: CallbackDesk
    service: FakeService
    legs: list
    lines: list[str]
    clock: FixedClock


def play_callback(keys, outcome: str = "completed", *, mailbox: bool = False) -> Played:
    desk = CallbackDesk()
    service = service_for(desk)
    gateway = CallbackGateway(Switchboard(service, ()), lambda call: call.to in COUNSELLORS)
    desk.gateway = gateway
    clock = FixedClock(T0)
    lines: list[str] = []

    def show(event: CallEvent) -> None:
        lines.append(format_callback_event(event, mailbox=mailbox))

    counsellor = FixedDialOutcome(ScriptedCaller(keys, silence_when_exhausted=True), outcome)
    run = CallbackLegs(
        service,
        counsellor,
        gateway,
        dispatch=desk.dispatch,
        clock=clock.now,
        advance_clock=clock.advance,
        on_event=show,
    ).run()
    return Played(desk, service, run.legs, lines, clock)


def test_the_counsellors_leg_is_played_as_the_outbound_call_the_service_placed():
    played = play_callback(["1", "1"])
    [leg] = played.legs
    statuses = played.service.params_sent_to(f"{STATUS}?work=1")
    assert [params["CallStatus"] for params in statuses] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [params["SequenceNumber"] for params in statuses] == ["0", "1", "2", "3"]
    assert all(params["CallSid"] == leg.call_sid for params in statuses)
    [answered] = played.service.params_sent_to(f"{WHISPER}?attempt=1")
    assert answered["Direction"] == "outbound-api" and answered["CallStatus"] == "in-progress"
    assert answered["From"] == HOTLINE and answered["To"] == COUNSELLORS[0]
    urls = played.service.urls()
    assert urls.index(f"{STATUS}?work=1") < urls.index(f"{WHISPER}?attempt=1")
    assert played.desk.outcome == "talked" and played.desk.dial_statuses == ["completed"]
    assert int(statuses[-1]["CallDuration"]) >= 60  # the talk with the caller
    assert played.clock.now() > T0


def test_the_dialled_caller_is_shown_masked_with_the_hotline_as_sender():
    played = play_callback(["1", "1"])
    text = "\n".join(played.lines)
    assert f"📞 Berater:in 1 wird angerufen ({mask(COUNSELLORS[0])})" in text
    assert f"📞 Wähle die Nummer der Anrufer:in ({mask(CALLER)}, Absender {HOTLINE}) …" in text
    assert mask(CALLER) == "+49151••••••89"
    assert "Anrufer:in hat abgenommen" in text
    assert CALLER not in text and COUNSELLORS[0] not in text


@pytest.mark.parametrize("outcome", ["busy", "no-answer"])
def test_the_caller_not_answering_is_reported_to_the_dial_action(outcome):
    played = play_callback(["1"], outcome)
    assert played.desk.dial_statuses == [outcome] and played.desk.outcome == "unreached"
    assert len(played.legs) == 1


def test_a_mailbox_answers_the_dial_and_is_named_so():
    played = play_callback(["1", "2"], mailbox=True)
    assert "📞 Mailbox der Anrufer:in hat abgenommen – beendet" in played.lines
    assert played.desk.outcome == "mailbox"


def test_a_counsellor_who_passes_is_followed_by_the_next_one_the_service_rings():
    played = play_callback(["2", "1", "1"])
    assert len(played.legs) == 2
    assert [leg.call_status for leg in played.legs] == ["completed", "completed"]
    assert f"📞 Berater:in 2 wird angerufen ({mask(COUNSELLORS[1])})" in played.lines
    [second] = played.service.params_sent_to(f"{STATUS}?work=2")[-1:]
    assert second["To"] == COUNSELLORS[1]
    assert played.desk.outcome == "talked"


def test_nobody_rung_when_the_service_places_no_call():
    desk = CallbackDesk()
    service = service_for(desk)
    gateway = CallbackGateway(Switchboard(service, ()), lambda call: True)
    run = CallbackLegs(
        service, ScriptedCaller([]), gateway, dispatch=lambda: None, clock=lambda: T0
    ).run()
    assert run.legs == [] and service.received == []


def test_calls_for_other_work_ring_the_switchboard_and_are_not_answered():
    desk = CallbackDesk()
    service = service_for(desk)
    gateway = CallbackGateway(Switchboard(service, ()), lambda call: call.to == COUNSELLORS[0])
    other = OutboundCall(COUNSELLORS[1], "/twilio/voice/whisper", f"{STATUS}?work=9", HOTLINE)
    dispatched = []

    def dispatch() -> None:
        if not dispatched:
            dispatched.append(gateway.place_call(other))

    run = CallbackLegs(
        service, ScriptedCaller([]), gateway, dispatch=dispatch, clock=lambda: T0
    ).run()
    assert run.legs == [] and gateway.placed == []
    statuses = [params["CallStatus"] for params in service.params_sent_to(f"{STATUS}?work=9")]
    assert statuses == ["initiated", "ringing", "no-answer"]
    assert run.desk is not None and run.desk.of_kind(EventKind.COUNSELLOR)


def test_sms_and_hang_ups_go_to_the_switchboard():
    switchboard = Switchboard(FakeService({}), ())
    gateway = CallbackGateway(switchboard, lambda call: True)
    gateway.send_sms(CALLER, "starke Stelle: Wir rufen Sie an.")
    gateway.end_call("CA" + "1" * 32, "canceled")
    gateway.delete_queue("QU" + "2" * 32)
    assert [message.to for message in switchboard.messages] == [CALLER]
    assert switchboard.ended_calls == {"CA" + "1" * 32: "canceled"}
    assert switchboard.deleted_queues == ["QU" + "2" * 32]


def test_an_inbound_call_still_reports_only_its_end():
    service = FakeService({"/twilio/voice/incoming": twiml("<Hangup/>"), STATUS: twiml("")})
    CallPlayer(service, ScriptedCaller([]), from_number=CALLER).run("/twilio/voice/incoming")
    [final] = service.params_sent_to(STATUS)
    assert final["CallStatus"] == "completed" and final["SequenceNumber"] == "0"
    assert final["Direction"] == "inbound"


def test_the_terminal_asks_whether_the_caller_answers():
    asked: list[str] = []
    answers = iter(["j", "", "q"])

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    counsellor = InteractiveCaller(
        fake_input, output=lambda line: None, dial_prompt=CALLEE_DIAL_PROMPT
    )
    assert counsellor.dial_outcome(object()) == "completed"
    assert counsellor.dial_outcome(object()) == "no-answer"
    assert counsellor.dial_outcome(object()) == "canceled" and counsellor.hangs_up()
    assert asked == ["Anrufer:in nimmt ab? [j/N] "] * 3


def test_a_fixed_dial_outcome_keeps_the_keys_of_the_person_at_the_phone():
    person = ScriptedCaller(["1", "q"])
    counsellor = FixedDialOutcome(person, "busy")
    assert counsellor.keys_for(object()) == "1"
    assert counsellor.dial_outcome(object()) == "busy" and len(counsellor.dials) == 1
    assert not counsellor.hangs_up()
    assert counsellor.keys_for(object()) is None and counsellor.hangs_up()
    with pytest.raises(ValueError, match="dial outcome"):
        FixedDialOutcome(person, "answered")
