"""In-hours routing over signed HTTP: the caller waits in a queue of their own, counsellors are
rung by the scheduler, hear the case first, and only pressing 1 connects them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.appointments.models import Appointment
from hotline.counsellors.models import Counsellor
from hotline.outbox.models import WorkItem
from hotline.routing.models import OfferState
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.routing import RoutingDriver
from tests.support.times import berlin
from tests.support.twilio import TwilioRequests

CALLER_A = "CA" + "a1" * 16
CALLER_B = "CA" + "b2" * 16


@pytest.fixture
def switch(twilio, svc, dispatcher, fake_twilio) -> RoutingDriver:
    return RoutingDriver(twilio, svc, dispatcher, fake_twilio)


def call_row(svc, sid):
    with svc.database.transaction() as session:
        call = find_call(session, sid)
        session.expunge(call)
        return call


def counsellor_row(svc, counsellor_id) -> Counsellor:
    with svc.database.transaction() as session:
        counsellor = session.get(Counsellor, counsellor_id)
        session.expunge(counsellor)
        return counsellor


def test_the_caller_waits_in_a_queue_of_their_own_while_every_counsellor_is_rung(
    switch, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben")
    twiml = switch.caller_waits(CALLER_A)
    assert 'action="https://hotline.example.org/twilio/voice/queue/result"' in twiml
    assert f">caller-{CALLER_A}</Enqueue>" in twiml
    legs = switch.ring()
    assert sorted(leg.to for leg in legs) == ["+492285555100", "+492285555101"]
    whisper = switch.answer(legs[0])
    assert "Fall" in whisper and "Deutsch. Drücken Sie 1" in whisper
    assert 'numDigits="1"' in whisper


def test_the_first_lets_it_pass_the_second_presses_1_and_is_bridged_to_that_caller(
    switch, svc, create_counsellor, fake_twilio
):
    anna, ben = create_counsellor("Anna"), create_counsellor("Ben")
    switch.caller_waits(CALLER_A)
    first, second = sorted(switch.ring(), key=lambda leg: leg.to)
    switch.answer(first)
    assert "<Hangup" in switch.press(first, "")  # nothing pressed: passes, leg ends
    switch.answer(second)
    bridged = switch.press(second, "1")
    assert f"<Dial><Queue>caller-{CALLER_A}</Queue></Dial>" in bridged
    assert switch.offer(first).state == OfferState.PASSED
    assert switch.offer(second).state == OfferState.ACCEPTED
    call = call_row(svc, CALLER_A)
    assert call.counsellor_id == ben.id and call.outcome == CallOutcome.CONNECTED
    assert counsellor_row(svc, anna.id).passes_in_a_row == 1
    after_talk = switch.queue_result(CALLER_A, "bridged")
    assert "Danke für Ihren Anruf" in after_talk and "<Hangup" in after_talk


def test_when_one_accepts_the_other_legs_are_ended_ringing_or_answered(
    switch, create_counsellor, fake_twilio
):
    for name in ("Anna", "Ben", "Cem"):
        create_counsellor(name)
    switch.caller_waits(CALLER_A)
    legs = sorted(switch.ring(), key=lambda leg: leg.to)
    switch.status(legs[0], "ringing")
    switch.answer(legs[1])  # hears the whisper, has not pressed yet
    switch.answer(legs[2])
    switch.press(legs[2], "1")
    switch.ring()  # the scheduler ends the others
    ended = fake_twilio.ended_calls()
    assert ended == {legs[0].sid: "canceled", legs[1].sid: "completed"}
    late = switch.press(legs[1], "1")  # a moment too late
    assert "bereits angenommen" in late and "<Dial" not in late


def test_a_mailbox_that_answers_is_never_connected(switch, svc, create_counsellor):
    create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    (leg,) = switch.ring()
    switch.answer(leg)  # the mailbox records the whisper and presses nothing
    assert "<Dial" not in switch.press(leg, "")
    switch.status(leg, "completed", CallDuration="25")
    assert switch.offer(leg).state == OfferState.PASSED
    assert call_row(svc, CALLER_A).counsellor_id is None


def test_two_counsellors_pressing_1_at_the_same_moment_one_wins_and_each_caller_gets_one(
    app, switch, svc, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben")
    switch.caller_waits(CALLER_A)
    switch.caller_waits(CALLER_B)
    legs = switch.ring()  # the head of the line: both are rung for A, nobody yet for B
    assert {leg.offer_id for leg in legs} == _offers_of(svc, CALLER_A) and len(legs) == 2
    for leg in legs:
        switch.answer(leg)
    barrier, answers = threading.Barrier(2), {}

    def press(leg) -> None:
        other = RoutingDriver(TwilioRequests(app.test_client()), svc, None, None)
        barrier.wait()
        answers[leg.to] = other.press(leg, "1")

    threads = [threading.Thread(target=press, args=(leg,)) for leg in legs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [to for to, twiml in answers.items() if f"caller-{CALLER_A}</Queue>" in twiml]
    assert len(winners) == 1
    loser_number = next(to for to in answers if to not in winners)
    assert "bereits angenommen" in answers[loser_number]
    (for_b,) = switch.ring()  # the one who lost is free: rung for the next in line
    assert for_b.to == loser_number and for_b.offer_id in _offers_of(svc, CALLER_B)
    switch.answer(for_b)
    assert f"caller-{CALLER_B}</Queue>" in switch.press(for_b, "1")
    a, b = call_row(svc, CALLER_A), call_row(svc, CALLER_B)
    assert a.counsellor_id and b.counsellor_id and a.counsellor_id != b.counsellor_id


def _offers_of(svc, caller_sid) -> set[int]:
    from hotline.routing.models import CallOffer

    with svc.database.transaction() as session:
        return set(session.scalars(select(CallOffer.id).where(CallOffer.call_sid == caller_sid)))


def test_nobody_accepts_within_the_maximum_wait(switch, svc, clock, create_counsellor):
    create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    (leg,) = switch.ring()
    switch.status(leg, "ringing")
    assert "<Leave" not in switch.wait_round(CALLER_A, 0, 0)
    clock.advance(timedelta(minutes=3))
    assert "<Leave" in switch.wait_round(CALLER_A, 12, 180)
    farewell = switch.queue_result(CALLER_A, "leave")
    assert "niemand von uns Ihren Anruf annehmen" in farewell
    assert "info@starkestelle.de" in farewell and "1 1 0" in farewell
    assert call_row(svc, CALLER_A).outcome == CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT
    switch.ring()
    assert switch.fake.ended_calls() == {leg.sid: "canceled"}


def test_the_caller_hangs_up_while_waiting_and_the_ringing_legs_end(
    switch, svc, create_counsellor, fake_twilio
):
    create_counsellor("Anna"), create_counsellor("Ben")
    switch.caller_waits(CALLER_A)
    legs = switch.ring()
    switch.wait_round(CALLER_A, 0, 0)
    switch.queue_result(CALLER_A, "hangup")
    switch.caller_hangs_up(CALLER_A)
    switch.ring()
    assert set(fake_twilio.ended_calls()) == {leg.sid for leg in legs}
    assert call_row(svc, CALLER_A).outcome == CallOutcome.ABANDONED_IN_QUEUE
    assert fake_twilio.deleted_queues() == ["QU" + "a" * 32]  # Twilio keeps queues otherwise
    late = switch.answer(legs[0])
    assert "wartet nicht mehr" in late and "<Gather" not in late


def test_nobody_on_duty_is_said_honestly_with_the_ways_out(switch, svc, create_counsellor):
    create_counsellor("Anna", on_duty=False)
    twiml = switch.caller_waits(CALLER_A)
    assert "<Enqueue" not in twiml
    assert "niemand von uns am Telefon erreichbar" in twiml
    assert "E-Mail" in twiml and "1 1 0" in twiml
    assert call_row(svc, CALLER_A).outcome == CallOutcome.NOBODY_ON_DUTY


def test_an_english_caller_is_offered_to_the_english_speaking_counsellor_first(
    switch, svc, clock, create_counsellor
):
    create_counsellor("Anna", languages="de")
    ben = create_counsellor("Ben", languages="de,en")
    switch.caller_waits(CALLER_A, english=True)
    (first,) = switch.ring()
    assert first.to == _number(svc, ben.id)
    assert "Englisch" in switch.answer(first)
    clock.advance(timedelta(seconds=15))
    (later,) = switch.ring()
    assert later.to != first.to


def _number(svc, counsellor_id) -> str:
    with svc.database.transaction() as session:
        return svc.cipher.decrypt(session.get(Counsellor, counsellor_id).phone_encrypted)


def test_a_call_queued_at_15_59_is_still_served_at_16_01(switch, svc, clock, create_counsellor):
    create_counsellor("Anna")
    clock.set(berlin(2026, 11, 26, 15, 59))
    assert "<Enqueue" in switch.caller_waits(CALLER_A)
    clock.set(berlin(2026, 11, 26, 16, 1))
    assert "Position 1" in switch.wait_round(CALLER_A, 8, 120)
    (leg,) = switch.ring()
    switch.answer(leg)
    assert "<Dial><Queue>" in switch.press(leg, "1")
    assert "<Enqueue" not in switch.caller_waits(CALLER_B)  # nobody new after closing


def test_three_passes_in_a_row_take_a_counsellor_off_duty(switch, svc, create_counsellor, hotline):
    anna = create_counsellor("Anna")
    for number in range(3):
        caller = f"CA{number:032d}"
        switch.caller_waits(caller)
        (leg,) = switch.ring()
        switch.answer(leg)
        switch.press(leg, "2")  # another key: lets it pass
    counsellor = counsellor_row(svc, anna.id)
    assert counsellor.on_duty is False
    assert "3 angebotene Anrufe nacheinander nicht angenommen" in counsellor.off_duty_reason
    assert "UTC" not in counsellor.off_duty_reason and " Uhr)" in counsellor.off_duty_reason
    listing = hotline("counsellor", "list").output
    assert "Anna" in listing and "3 angebotene Anrufe" in listing
    assert "niemand von uns am Telefon" in switch.caller_waits(CALLER_B)


def test_accepting_resets_the_passes(switch, svc, create_counsellor):
    anna = create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    (leg,) = switch.ring()
    switch.answer(leg)
    switch.press(leg, "")
    switch.caller_waits(CALLER_B)
    (leg,) = switch.ring()
    switch.answer(leg)
    switch.press(leg, "1")
    assert counsellor_row(svc, anna.id).passes_in_a_row == 0


def test_a_repeated_or_late_leg_status_callback_changes_nothing(switch, svc, create_counsellor):
    anna = create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    (leg,) = switch.ring()
    for _ in range(2):
        switch.status(leg, "no-answer", Timestamp="Thu, 26 Nov 2026 09:01:00 +0000")
    switch.status(leg, "ringing", Timestamp="Thu, 26 Nov 2026 09:00:30 +0000")
    offer = switch.offer(leg)
    assert offer.state == OfferState.PASSED and offer.pass_reason == "no-answer"
    assert counsellor_row(svc, anna.id).passes_in_a_row == 1


def test_a_counsellor_in_a_call_is_not_rung_for_the_next_caller(switch, create_counsellor):
    create_counsellor("Anna"), create_counsellor("Ben")
    switch.caller_waits(CALLER_A)
    first, second = switch.ring()
    switch.answer(first)
    switch.press(first, "1")
    switch.caller_waits(CALLER_B)
    (only,) = switch.ring()
    assert only.to == second.to


def test_waiting_hears_the_position_and_every_45_s_the_callback_offer(
    switch, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    clock.advance(timedelta(seconds=20))
    switch.caller_waits(CALLER_B)
    first_round = switch.wait_round(CALLER_B, 0, 0)
    assert "Sie sind an Position 2" in first_round and "<Gather" not in first_round
    assert 'Pause length="15"' in first_round
    assert "queue/wait?round=1" in first_round
    assert "<Gather" not in switch.wait_round(CALLER_B, 2, 30)
    offer = switch.wait_round(CALLER_B, 3, 45)
    assert "zurückgerufen werden" in offer and "queue/choice?round=3" in offer
    assert "<Leave" in switch.post(CALLER_B, "queue/choice?round=3", Digits="1").get_data(
        as_text=True
    )
    to_capture = switch.queue_result(CALLER_B, "leave")
    assert "callback/start?via=queue" in to_capture and "niemand von uns" not in to_capture


def test_a_key_other_than_1_at_the_offer_keeps_waiting(switch, create_counsellor):
    create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    answer = switch.post(CALLER_A, "queue/choice?round=3", Digits="5").get_data(as_text=True)
    assert "queue/wait?round=4" in answer and "<Leave" not in answer


@pytest.mark.parametrize("result", ["queue-full", "error", "system-error", "", "nonsense"])
def test_every_other_queue_result_still_tells_the_caller_what_to_do(
    switch, svc, create_counsellor, result
):
    create_counsellor("Anna")
    switch.caller_waits(CALLER_A)
    farewell = switch.queue_result(CALLER_A, result)
    assert "info@starkestelle.de" in farewell and "1 1 0" in farewell
    assert farewell.rstrip().endswith("<Hangup /></Response>")


def test_longest_idle_rings_one_at_a_time_and_the_next_sooner_when_one_passes(
    app, svc, clock, twilio, dispatcher, fake_twilio, create_counsellor
):
    from dataclasses import replace

    from webhooks.context import flow_runner

    runner = flow_runner(app)
    scheduling = runner.units.config
    runner.units = replace(
        runner.units,
        config=replace(scheduling, routing=replace(scheduling.routing, strategy="longest_idle")),
    )
    switch = RoutingDriver(twilio, svc, dispatcher, fake_twilio)
    anna, ben = create_counsellor("Anna"), create_counsellor("Ben")
    with svc.database.transaction() as session:  # Ben's last call is longer ago
        session.get(Counsellor, anna.id).last_call_at = clock.now() - timedelta(minutes=5)
        session.get(Counsellor, ben.id).last_call_at = clock.now() - timedelta(hours=2)
    switch.caller_waits(CALLER_A)
    (first,) = switch.ring()
    assert first.to == _number(svc, ben.id)
    switch.answer(first)
    switch.press(first, "")  # Ben lets it pass: Anna need not wait 20 s
    (second,) = switch.ring()
    assert second.to == _number(svc, anna.id)
    with svc.database.transaction() as session:
        assert session.scalar(select(WorkItem.state).where(WorkItem.id == second.work_id)) == "done"


def test_a_counsellor_in_a_video_appointment_is_not_rung(switch, client, clock, create_counsellor):
    anna = create_counsellor("Anna")
    create_counsellor("Ben")
    body = {
        "type": "video",
        "start": "2026-11-26T12:00:00+01:00",
        "name": "X",
        "email": "x@example.org",
        "consent": True,
    }
    booked = client.post("/api/v1/appointments", json=body)
    assert booked.status_code == 201
    with switch.svc.database.transaction() as session:
        held_by = session.scalar(select(Appointment.counsellor_id))
    clock.set(berlin(2026, 11, 26, 12, 10))
    switch.caller_waits(CALLER_A)
    legs = switch.ring()
    rung = {leg.to for leg in legs}
    assert len(rung) == 1
    free_number = "+492285555101" if held_by == anna.id else "+492285555100"
    assert rung == {free_number}
