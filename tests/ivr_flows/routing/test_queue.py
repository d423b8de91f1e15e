"""One line, in order, over signed HTTP with the scheduler in-process: callers wait while
anyone is on duty, and the next free counsellor takes the caller at the head of the line.
A counsellor is never rung for two at once; after a call comes the wrap-up; a caller let
pass is offered again after a while; a callback asked for in line keeps its place."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hotline.callbacks.models import Callback, CallbackState
from hotline.counsellors.models import Counsellor
from hotline.outbox.models import WorkItem
from hotline.routing.models import CallOffer, OfferState
from hotline.telephony.call_log import find_call
from tests.support.routing import Leg, RoutingDriver
from tests.support.twilio import TwilioRequests

A, B, C, D = ("CA" + f"{n}" * 32 for n in (1, 2, 3, 4))
TALKING_1, TALKING_2 = "CA" + "e1" * 16, "CA" + "e2" * 16


@pytest.fixture
def switch(twilio, svc, dispatcher, fake_twilio) -> RoutingDriver:
    return RoutingDriver(twilio, svc, dispatcher, fake_twilio)


def number_of(svc, counsellor) -> str:
    with svc.database.transaction() as session:
        return svc.cipher.decrypt(session.get(Counsellor, counsellor.id).phone_encrypted)


def connect(switch: RoutingDriver, caller: str, to: str | None = None) -> Leg:
    """`caller` joins the line; the leg rung for it (to `to`, if given) takes it."""
    switch.caller_waits(caller)
    legs = [leg for leg in switch.ring() if to is None or leg.to == to]
    leg = legs[0]
    switch.answer(leg)
    assert f"caller-{caller}</Queue>" in switch.press(leg, "1")
    return leg


def ends_talking(switch: RoutingDriver, caller: str) -> None:
    """The caller's call ends (the counsellor hung up: Twilio reports the caller's end)."""
    switch.queue_result(caller, "bridged")
    switch.caller_hangs_up(caller)


def offers_for(svc, caller: str) -> list[CallOffer]:
    with svc.database.transaction() as session:
        rows = session.scalars(
            select(CallOffer).where(CallOffer.call_sid == caller).order_by(CallOffer.id)
        ).all()
        session.expunge_all()
        return list(rows)


def test_with_everyone_talking_callers_wait_in_order_and_the_first_free_takes_the_first(
    switch, svc, clock, create_counsellor
):
    anna, ben = create_counsellor("Anna"), create_counsellor("Ben")
    connect(switch, TALKING_1, number_of(svc, anna))
    connect(switch, TALKING_2, number_of(svc, ben))

    first = switch.caller_waits(A)
    assert "<Enqueue" in first and "niemand von uns" not in first  # never told "nobody"
    clock.advance(timedelta(seconds=5))
    assert "<Enqueue" in switch.caller_waits(B)
    assert "Sie sind an Position 1" in switch.wait_round(A, 0, 0)
    assert "Sie sind an Position 2" in switch.wait_round(B, 0, 0)
    assert switch.ring() == []  # everyone talks: nobody is rung

    ends_talking(switch, TALKING_2)  # Ben's call ends: his wrap-up begins
    assert switch.ring() == []
    clock.advance(timedelta(seconds=60))
    (leg,) = switch.ring()
    assert leg.to == number_of(svc, ben) and leg.offer_id in {o.id for o in offers_for(svc, A)}
    switch.answer(leg)
    assert f"<Dial><Queue>caller-{A}</Queue></Dial>" in switch.press(leg, "1")
    assert "Sie sind an Position 1" in switch.wait_round(B, 1, 15)  # B moved up
    with svc.database.transaction() as session:
        assert find_call(session, A).counsellor_id == ben.id
        assert find_call(session, B).counsellor_id is None


def test_without_wrap_up_the_next_caller_is_rung_as_the_call_ends(
    app, svc, clock, twilio, dispatcher, fake_twilio, create_counsellor
):
    switch = RoutingDriver(twilio, svc, dispatcher, fake_twilio)
    _set_routing(app, wrap_up_seconds=0)
    anna = create_counsellor("Anna")
    connect(switch, TALKING_1)
    switch.caller_waits(A)
    assert switch.ring() == []
    ends_talking(switch, TALKING_1)
    (leg,) = switch.ring()  # at the same moment
    assert leg.to == number_of(svc, anna)


def test_a_counsellor_ends_the_wrap_up_early_in_the_console(
    app, client, switch, svc, clock, create_counsellor
):
    from tests.support.staff import add_staff, log_in, post_form

    anna = create_counsellor("Anna")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    connect(switch, TALKING_1)
    switch.caller_waits(A)
    ends_talking(switch, TALKING_1)
    assert switch.ring() == []
    log_in(client, "anna@example.org")
    assert "Nachbearbeitung" in client.get("/staff/").get_data(as_text=True)
    assert post_form(client, "/staff/", "/staff/ready", {}).status_code == 302
    (leg,) = switch.ring()
    assert leg.to == number_of(svc, anna)


def test_both_let_a_caller_pass_and_are_offered_it_again_after_the_repass_time(
    switch, svc, clock, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben")
    switch.caller_waits(A)
    first = switch.ring()
    assert len(first) == 2
    for leg in first:
        switch.answer(leg)
        switch.press(leg, "2")  # lets it pass
    assert switch.ring() == []
    clock.advance(timedelta(seconds=59))
    assert switch.ring() == []
    clock.advance(timedelta(seconds=1))
    again = switch.ring()
    assert sorted(leg.to for leg in again) == sorted(leg.to for leg in first)
    states = [offer.state for offer in offers_for(svc, A)]
    assert states.count(OfferState.PASSED) == 2 and len(states) == 4


def test_someone_who_let_one_caller_pass_is_offered_the_next_at_once(
    switch, svc, clock, create_counsellor
):
    anna = create_counsellor("Anna")
    switch.caller_waits(A)
    clock.advance(timedelta(seconds=1))
    switch.caller_waits(B)
    (leg,) = switch.ring()
    assert leg.offer_id in {o.id for o in offers_for(svc, A)}
    switch.answer(leg)
    switch.press(leg, "")  # lets A pass
    (next_leg,) = switch.ring()
    assert next_leg.to == number_of(svc, anna)
    assert next_leg.offer_id in {o.id for o in offers_for(svc, B)}


def test_an_english_caller_waits_for_an_english_speaker_then_takes_anyone(
    switch, svc, clock, create_counsellor
):
    anna = create_counsellor("Anna", languages="de")
    ben = create_counsellor("Ben", languages="de,en")
    connect(switch, TALKING_1, number_of(svc, ben))  # the English speaker talks
    switch.caller_waits(A, english=True)
    assert switch.ring() == []  # Anna speaks no English: not yet
    clock.advance(timedelta(seconds=3))
    switch.caller_waits(B)  # a German caller behind is not held up by it
    (for_b,) = switch.ring()
    assert for_b.offer_id in {o.id for o in offers_for(svc, B)}
    switch.answer(for_b)
    switch.press(for_b, "")  # Anna lets B pass: free again, but not for B for a while
    assert switch.ring() == []  # and A still waits for an English speaker
    clock.advance(timedelta(seconds=12))  # A has waited 15 s: anyone now
    (for_a,) = switch.ring()
    assert for_a.to == number_of(svc, anna) and for_a.offer_id == offers_for(svc, A)[-1].id
    assert "Englisch" in switch.answer(for_a)


def test_a_counsellor_rung_for_one_caller_is_rung_for_no_one_else(
    switch, svc, clock, create_counsellor, callbacks_line
):
    create_counsellor("Anna")
    switch.caller_waits(A)
    switch.caller_waits(B)
    (leg,) = switch.ring()
    switch.answer(leg)  # Anna hears the whisper for A
    callbacks_line(C)  # a callback asked for from the line
    clock.advance(timedelta(seconds=20))
    assert switch.ring() == []  # neither B nor the callback
    with svc.database.transaction() as session:
        open_offers = session.scalar(
            select(func.count())
            .select_from(CallOffer)
            .where(CallOffer.state.in_(("planned", "ringing", "answered")))
        )
    assert open_offers == 1


@pytest.fixture
def callbacks_line(switch, dispatcher):
    """`callbacks_line(sid)`: a caller joins, presses 1 for a callback and confirms their
    number, as on the phone; the callback keeps their place in line."""

    def asked(caller: str) -> None:
        switch.caller_waits(caller)
        switch.post(caller, "queue/choice?round=3", Digits="1")
        switch.queue_result(caller, "leave")
        switch.post(caller, "callback/start?via=queue")
        switch.post(caller, "callback/confirm?via=queue&attempt=1", Digits="1")
        switch.caller_hangs_up(caller)

    return asked


def test_a_callback_asked_for_at_position_2_is_placed_before_a_caller_who_came_later(
    switch, svc, clock, create_counsellor, callbacks_line
):
    anna = create_counsellor("Anna")
    connect(switch, TALKING_1)
    switch.caller_waits(A)
    clock.advance(timedelta(seconds=10))
    callbacks_line(B)  # joined second, asked for a callback: keeps position 2
    clock.advance(timedelta(seconds=10))
    switch.caller_waits(C)  # joined later
    assert "Sie sind an Position 3" in switch.wait_round(C, 0, 0)
    ends_talking(switch, TALKING_1)
    clock.advance(timedelta(seconds=60))
    (for_a,) = switch.ring()
    switch.answer(for_a)
    switch.press(for_a, "1")
    ends_talking(switch, A)
    clock.advance(timedelta(seconds=60))
    (next_ring,) = switch.ring()  # the callback, not C
    assert "attempt=" in next_ring.whisper_url and next_ring.to == number_of(svc, anna)
    with svc.database.transaction() as session:
        callback = session.scalars(select(Callback)).one()
        assert callback.state == CallbackState.CALLING
    assert "Sie sind an Position 1" in switch.wait_round(C, 1, 15)


def test_deciding_at_the_same_moment_from_two_workers_and_the_scheduler_rings_each_once(
    app, switch, svc, clock, dispatcher, create_counsellor
):
    """Four callers join at once on two threads while the scheduler runs its look at the
    line: each counsellor holds at most one open offer, and every leg is requested once."""

    for name in ("Anna", "Ben", "Cora"):
        create_counsellor(name)
    barrier = threading.Barrier(5)
    errors: list[BaseException] = []

    def caller(sid: str) -> None:
        try:
            driver = RoutingDriver(TwilioRequests(app.test_client()), svc, None, None)
            driver.twilio.incoming(sid)
            driver.post(sid, "intake/language", Digits="")
            driver.post(sid, "intake/case-number?attempt=1", Digits="")
            barrier.wait()
            driver.post(sid, "route")
        except BaseException as error:  # reported below
            errors.append(error)

    def scheduler() -> None:
        barrier.wait()
        for _ in range(5):
            with svc.database.transaction() as session:
                _units(app).within(session, now=clock.now()).distributor.distribute()

    threads = [threading.Thread(target=caller, args=(sid,)) for sid in (A, B, C, D)]
    threads.append(threading.Thread(target=scheduler))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with svc.database.transaction() as session:
        offers = session.scalars(select(CallOffer)).all()
        rings = session.scalars(select(WorkItem).where(WorkItem.kind == "place_call")).all()
    assert len({offer.counsellor_id for offer in offers}) == len(offers) == 3
    assert len(rings) == 3 and len({ring.idempotency_key for ring in rings}) == 3
    (head,) = {offer.call_sid for offer in offers}  # ring all: everyone for one caller
    assert head in (A, B, C, D)  # (all four joined in the same instant of the test clock)
    legs = switch.ring()
    assert len(legs) == 3 and len({leg.to for leg in legs}) == 3


def test_nobody_on_duty_is_told_at_once(switch, create_counsellor):
    create_counsellor("Anna", on_duty=False)
    twiml = switch.caller_waits(A)
    assert "niemand von uns am Telefon erreichbar" in twiml and "<Enqueue" not in twiml


def test_the_expected_wait_is_said_once_there_is_history_and_a_long_one_offers_a_callback(
    switch, svc, clock, create_counsellor, factories
):
    create_counsellor("Anna")
    connect(switch, TALKING_1)
    switch.caller_waits(A)
    first_round = switch.wait_round(A, 0, 0)
    assert "voraussichtlich" not in first_round  # no history yet: nothing said
    _history(svc, clock, talks_minutes=6, count=10)  # 6 min talk + 1 min wrap-up each
    switch.caller_waits(B)
    said = switch.wait_round(B, 0, 0)
    assert "Sie sind an Position 2" in said
    assert "Sie warten voraussichtlich noch etwa 14 Minuten." in said
    # 14 minutes is more than the 3 minutes one may wait: the callback offer comes first
    assert "zurückgerufen werden" in said and "queue/choice?round=0" in said


def _history(svc, clock, *, talks_minutes: float, count: int) -> None:
    from hotline.telephony.models import Call

    with svc.database.transaction() as session:
        for number in range(count):
            ended = clock.now() - timedelta(hours=1, minutes=number)
            session.add(
                Call(
                    call_sid=f"CA{number:032d}",
                    direction="inbound",
                    status="completed",
                    started_at=ended - timedelta(minutes=talks_minutes + 1),
                    connected_at=ended - timedelta(minutes=talks_minutes),
                    ended_at=ended,
                )
            )


def _scheduling(app):
    return _units(app).config


def _units(app):
    """The units of work the webhooks use (their configuration, as the test set it)."""
    from webhooks.context import flow_runner

    return flow_runner(app).units


def _set_routing(app, **changes) -> None:
    from dataclasses import replace

    from webhooks.context import flow_runner

    runner = flow_runner(app)
    scheduling = runner.units.config
    runner.units = replace(
        runner.units,
        config=replace(scheduling, routing=replace(scheduling.routing, **changes)),
    )
