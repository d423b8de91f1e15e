"""The counsellors' side as Twilio plays it: legs rung, their callbacks, whisper, bridge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import pytest

from hotline.clock import FixedClock
from hotline.simulator import (
    CallEvent,
    CallPlayer,
    EndedBy,
    EventKind,
    ScriptedCaller,
    Switchboard,
    Transcript,
    format_event,
)
from hotline.telephony.gateway import OutboundCall
from tests.hotline.simulator.canned import CALLER, INCOMING, STATUS, FakeService, twiml

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
CALLER_SID = "CA" + "1" * 32
QUEUE = f"caller-{CALLER_SID}"
HOTLINE = "+498003009944"
WAIT = "/twilio/voice/queue/wait"
RESULT = "/twilio/voice/queue/result"
WHISPER = "/twilio/voice/whisper"
ANSWER = "/twilio/voice/whisper/answer"
WHISPER_TEXT = "Anruf über die starke Stelle, Fall 1 2 3 4, Deutsch. Drücken Sie 1, um anzunehmen."
COUNSELLORS = ("+4930200001", "+4930200002", "+4930200003")


def wait_round(params: dict[str, str], *, leave_at: int) -> str:
    if int(params["QueueTime"]) >= leave_at:
        return twiml("<Leave/>")
    return twiml(f'<Pause length="15"/><Redirect method="POST">{WAIT}</Redirect>')


def whisper(params: dict[str, str]) -> str:
    return twiml(
        f'<Gather numDigits="1" timeout="8" action="{ANSWER}" actionOnEmptyResult="true">'
        f'<Say language="de-DE" loop="2">{WHISPER_TEXT}</Say></Gather>'
    )


@dataclass
class CounsellorDesk:
    """The service's side of the legs: 1 takes the caller (once), anything else passes."""

    accepted: list[str] = field(default_factory=list)

    def answer(self, params: dict[str, str]) -> str:
        if params["Digits"] == "1" and not self.accepted:
            self.accepted.append(params["CallSid"])
            return twiml(
                '<Say language="de-DE">Sie werden jetzt verbunden.</Say>'
                f"<Dial><Queue>{QUEUE}</Queue></Dial>"
            )
        return twiml('<Say language="de-DE">Der Anruf geht weiter.</Say><Hangup/>')


def pages(desk: CounsellorDesk, leave_at: int = 60) -> dict:
    return {
        INCOMING: twiml(
            '<Say language="de-DE">Bitte warten.</Say>'
            f'<Enqueue waitUrl="{WAIT}" action="{RESULT}">{QUEUE}</Enqueue>'
        ),
        WAIT: partial(wait_round, leave_at=leave_at),
        RESULT: lambda params: twiml(f"<Say>Ergebnis {params['QueueResult']}.</Say><Hangup/>"),
        WHISPER: whisper,
        ANSWER: desk.answer,
        STATUS: twiml(""),
    }


@dataclass(frozen=True)
class Ring:
    seconds: int  # due this long after the call started
    offer: int


class FakeScheduler:
    """Stands in for the service's dispatcher: places the rings due by the clock; once a
    counsellor accepted, ends the legs still ringing (as the routing desk does); after the
    caller's call ended, deletes their queue."""

    def __init__(self, switchboard, clock, service, desk, rings) -> None:
        self.switchboard = switchboard
        self.clock = clock
        self.service = service
        self.desk = desk
        self.rings = list(rings)
        self.placed: dict[int, str] = {}
        self.ended: set[str] = set()
        self.calls = 0

    def dispatch(self) -> None:
        self.calls += 1
        for ring in self.rings:
            due = (self.clock.now() - T0).total_seconds() >= ring.seconds
            if due and ring.offer not in self.placed:
                self.placed[ring.offer] = self.switchboard.place_call(self._call(ring))
        if self.desk.accepted:
            for sid in set(self.placed.values()) - self.ended - set(self.desk.accepted):
                self.ended.add(sid)
                self.switchboard.end_call(sid, "canceled")
        caller_over = any(
            params["CallSid"] == CALLER_SID for params in self.service.params_sent_to(STATUS)
        )
        if caller_over and not self.switchboard.deleted_queues:
            self.switchboard.delete_queue("QU" + "9" * 32)

    def _call(self, ring: Ring) -> OutboundCall:
        return OutboundCall(
            to=COUNSELLORS[ring.offer - 1],
            twiml_url=f"{WHISPER}?offer={ring.offer}",
            status_callback_url=f"{STATUS}?work={ring.offer}",
            caller_id=HOTLINE,
        )


@dataclass
class Played:
    transcript: Transcript
    service: FakeService
    switchboard: Switchboard
    scheduler: FakeScheduler
    lines: list[str]

    def leg_statuses(self, offer: int) -> list[str]:
        return [p["CallStatus"] for p in self.service.params_sent_to(f"{STATUS}?work={offer}")]

    def leg_callbacks(self, offer: int) -> list[dict[str, str]]:
        return self.service.params_sent_to(f"{STATUS}?work={offer}")


def call(behaviours, rings=(Ring(0, 1),), *, keys=(), leave_at: int = 60) -> Played:
    desk = CounsellorDesk()
    service = FakeService(pages(desk, leave_at))
    clock = FixedClock(T0)
    switchboard = Switchboard(service, behaviours)
    scheduler = FakeScheduler(switchboard, clock, service, desk, rings)
    lines: list[str] = []

    def show(event: CallEvent) -> None:
        lines.append(format_event(event))

    transcript = CallPlayer(
        service,
        ScriptedCaller(keys, silence_when_exhausted=True),
        from_number=CALLER,
        call_sid=CALLER_SID,
        clock=clock.now,
        advance_clock=clock.advance,
        switchboard=switchboard,
        dispatch=scheduler.dispatch,
        on_event=show,
    ).run(INCOMING)
    return Played(transcript, service, switchboard, scheduler, lines)


def test_a_counsellor_who_accepts_is_bridged_to_the_waiting_caller():
    played = call(["accept"])
    transcript, service = played.transcript, played.service
    [leg] = played.switchboard.legs
    assert played.switchboard.bridged(QUEUE)
    assert len(transcript.of_kind(EventKind.BRIDGED)) == 1
    [whispered] = service.params_sent_to(f"{WHISPER}?offer=1")
    assert whispered == {
        "CallSid": leg.sid,
        "AccountSid": "AC" + "0" * 32,
        "From": HOTLINE,
        "To": "+4930200001",
        "Direction": "outbound-api",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
    }
    [pressed] = service.params_sent_to(ANSWER)
    assert pressed["Digits"] == "1" and pressed["CallSid"] == leg.sid
    assert played.leg_statuses(1) == ["initiated", "ringing", "in-progress", "completed"]
    callbacks = played.leg_callbacks(1)
    assert [p["SequenceNumber"] for p in callbacks] == ["0", "1", "2", "3"]
    assert "CallDuration" not in callbacks[0]
    assert int(callbacks[-1]["CallDuration"]) >= 60  # the whisper and the conversation
    [result] = service.params_sent_to(RESULT)
    assert result["QueueResult"] == "bridged"
    assert result["QueueTime"] == "0"
    assert result["QueueSid"].startswith("QU")
    [heard] = service.params_sent_to(WAIT)  # requested at once, answered before it was heard
    assert heard["QueueSid"] == result["QueueSid"]
    assert not transcript.of_kind(EventKind.PAUSE)
    urls = service.urls()
    assert urls.index(f"{STATUS}?work=1", urls.index(ANSWER)) < urls.index(RESULT)
    assert transcript.said("Ergebnis bridged.")
    assert not transcript.said(WHISPER_TEXT), "the caller does not hear the whisper"
    assert transcript.duration_seconds >= 60
    assert leg.status == "completed" and leg.bridged_to == QUEUE


def test_the_console_shows_the_counsellors_side_in_german_without_numbers():
    played = call(["decline", "accept"], rings=(Ring(0, 1), Ring(0, 2)))
    lines = played.lines
    assert "📞 Berater:in 1 wird angerufen (+49302•••01)" in lines
    assert f"   🤫 hört: {WHISPER_TEXT}" in lines
    assert "   drückt 2 – legt auf ohne anzunehmen" in lines
    assert "📞 Berater:in 2 wird angerufen (+49302•••02)" in lines
    assert "   drückt 1 – wird verbunden" in lines
    assert "📞 verbunden mit einer Berater:in" in lines
    assert "📞 Berater:in 2 legt nach dem Gespräch auf (60 s)" in lines
    assert not any("4930200001" in line or "4930200002" in line for line in lines)


@pytest.mark.parametrize(
    ("behaviour", "statuses", "line"),
    [
        ("busy", ["initiated", "busy"], "   besetzt"),
        ("ignore", ["initiated", "ringing", "no-answer"], "   nimmt nicht ab"),
    ],
)
def test_a_counsellor_who_does_not_answer_is_never_whispered_to(behaviour, statuses, line):
    played = call([behaviour])
    assert played.leg_statuses(1) == statuses
    assert played.leg_callbacks(1)[-1]["CallDuration"] == "0"
    assert played.service.params_sent_to(f"{WHISPER}?offer=1") == []
    assert line in played.lines
    assert not played.switchboard.bridged(QUEUE)
    assert played.service.params_sent_to(RESULT)[0]["QueueResult"] == "leave"


@pytest.mark.parametrize(("behaviour", "digits"), [("mailbox", ""), ("decline", "2")])
def test_a_mailbox_or_a_decline_hears_the_whisper_and_lets_the_call_pass(behaviour, digits):
    played = call([behaviour])
    assert len(played.service.params_sent_to(f"{WHISPER}?offer=1")) == 1
    [pressed] = played.service.params_sent_to(ANSWER)
    assert pressed["Digits"] == digits
    assert played.leg_statuses(1) == ["initiated", "ringing", "in-progress", "completed"]
    assert int(played.leg_callbacks(1)[-1]["CallDuration"]) > 0
    assert not played.switchboard.bridged(QUEUE)
    assert played.service.params_sent_to(RESULT)[0]["QueueResult"] == "leave"
    if behaviour == "mailbox":
        assert "   Mailbox nimmt ab, keine Taste" in played.lines


def test_a_leg_ended_before_it_was_played_only_reports_its_end():
    played = call(["accept", "accept"], rings=(Ring(0, 1), Ring(0, 2)))
    second = played.switchboard.legs[1]
    assert played.leg_callbacks(2) == [
        played.leg_callbacks(2)[0] | {"CallStatus": "canceled", "SequenceNumber": "0"}
    ]
    assert played.leg_callbacks(2)[0]["CallSid"] == second.sid
    assert played.service.params_sent_to(f"{WHISPER}?offer=2") == []
    assert played.switchboard.ended_calls == {second.sid: "canceled"}
    assert second.status == "canceled"
    assert "   Anruf beendet (canceled)" in played.lines


def test_once_the_behaviours_are_used_up_further_counsellors_do_not_answer():
    played = call([], rings=(Ring(0, 1), Ring(0, 2)))
    assert played.leg_statuses(1) == played.leg_statuses(2) == ["initiated", "ringing", "no-answer"]
    assert [leg.behaviour for leg in played.switchboard.legs] == ["ignore", "ignore"]


def test_a_ring_due_later_is_placed_once_the_callers_wait_reached_it():
    played = call(["ignore", "accept"], rings=(Ring(0, 1), Ring(20, 2)))
    assert played.leg_statuses(1) == ["initiated", "ringing", "no-answer"]
    [result] = played.service.params_sent_to(RESULT)
    assert result["QueueResult"] == "bridged"
    assert result["QueueTime"] == "30"  # rounds of 15 s: at 30 s the second ring was due
    assert len(played.service.params_sent_to(WAIT)) == 3  # at 0, 15 and 30 s


def test_the_work_the_call_left_is_done_after_its_final_status():
    played = call(["ignore"], leave_at=30)
    assert played.transcript.ended_by == EndedBy.HANGUP_VERB
    assert played.scheduler.calls >= 4  # before each of the three documents, and afterwards
    assert played.switchboard.deleted_queues == ["QU" + "9" * 32]
    assert played.lines[-1] == "🗑  Warteschlange gelöscht"


def test_an_sms_the_service_sends_is_recorded_and_shown_masked():
    switchboard = Switchboard(FakeService({}), [])
    sid = switchboard.send_sms("+4915112345678", "Wir rufen Sie zurück.", "/twilio/messages/status")
    assert sid.startswith("SM") and len(sid) == 34
    [message] = switchboard.messages
    assert (message.to, message.body) == ("+4915112345678", "Wir rufen Sie zurück.")
    service = FakeService({INCOMING: twiml("<Hangup/>"), STATUS: twiml("")})
    lines: list[str] = []
    CallPlayer(
        service,
        ScriptedCaller(),
        from_number=CALLER,
        switchboard=switchboard,
        on_event=lambda event: lines.append(format_event(event)),
    ).run(INCOMING)
    assert "✉️  SMS an +49151••••••78: Wir rufen Sie zurück." in lines


def test_placed_calls_get_new_sids_and_unknown_behaviours_are_refused():
    switchboard = Switchboard(FakeService({}), ["accept"])
    call_ = OutboundCall("+4930200001", WHISPER, STATUS, HOTLINE)
    first, second = switchboard.place_call(call_), switchboard.place_call(call_)
    assert first != second and first.startswith("CA") and len(first) == 34
    int(first[2:], 16)
    with pytest.raises(ValueError, match="counsellor behaviour"):
        Switchboard(FakeService({}), ["answers"])
