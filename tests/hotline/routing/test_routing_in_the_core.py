"""Routing is core: the desk and the distributor run on what `RoutingUnit` states, without
`scheduling` — here with a stand-in unit whose hours are a plain switch and whose callback
placement only notes whom it would ring."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hotline.app import scheduling_config
from hotline.callbacks.models import Callback, CallbackState
from hotline.crypto import DataCipher
from hotline.outbox.models import WorkItem
from hotline.routing.desk import RoutingDesk
from hotline.routing.distributor import Distributor
from hotline.routing.models import CallOffer, OfferState
from hotline.sections_config import SchedulingConfig
from hotline.telephony.models import Call


class StandInUnit:
    def __init__(
        self,
        session: Session,
        now: datetime,
        cipher: DataCipher,
        config: SchedulingConfig,
        *,
        open_now: bool,
    ) -> None:
        self.session, self.now, self.cipher, self.config = session, now, cipher, config
        self.open_now = open_now
        self.rung_for_callbacks: list[tuple[int, int]] = []

    def is_open(self) -> bool:
        return self.open_now

    @property
    def placement(self) -> StandInUnit:
        return self

    def ring_in_line(self, callback_id: int, counsellor_id: int, number: str) -> None:
        self.rung_for_callbacks.append((callback_id, counsellor_id))

    @cached_property
    def distributor(self) -> Distributor:
        return Distributor(self)


def _inbound_call(session: Session, sid: str, now: datetime) -> None:
    session.execute(
        insert(Call).values(call_sid=sid, direction="inbound", status="in-progress", started_at=now)
    )


def test_a_queued_caller_is_offered_to_the_counsellor_on_duty(app, svc, clock, create_counsellor):
    counsellor = create_counsellor()
    with svc.database.transaction() as session:
        unit = StandInUnit(session, clock.now(), svc.cipher, scheduling_config(app), open_now=True)
        _inbound_call(session, "CA" + "1" * 32, clock.now())
        assert RoutingDesk(unit).queue_caller("CA" + "1" * 32) is True
    with svc.database.transaction() as session:
        offer = session.scalars(select(CallOffer)).one()
        assert (offer.call_sid, offer.counsellor_id) == ("CA" + "1" * 32, counsellor.id)
        assert offer.state == OfferState.PLANNED
        ring = session.get(WorkItem, offer.work_item_id)
        assert ring is not None and ring.kind == "place_call"


def test_nobody_on_duty_means_nobody_queued(app, svc, clock, create_counsellor):
    create_counsellor(on_duty=False)
    with svc.database.transaction() as session:
        unit = StandInUnit(session, clock.now(), svc.cipher, scheduling_config(app), open_now=True)
        _inbound_call(session, "CA" + "2" * 32, clock.now())
        assert RoutingDesk(unit).queue_caller("CA" + "2" * 32) is False
        assert session.scalar(select(Call.queued_at)) is None
        assert session.scalars(select(CallOffer)).all() == []


def test_a_callback_in_line_is_rung_only_while_the_unit_says_open(
    app, svc, clock, create_counsellor, create_case
):
    counsellor = create_counsellor()
    case = create_case()
    with svc.database.transaction() as session:
        callback_id = session.scalar(
            insert(Callback)
            .values(
                case_id=case.id,
                state=CallbackState.BOOKED,
                due_at=clock.now(),
                line_since=clock.now(),
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            .returning(Callback.id)
        )
    for open_now, expected in ((False, []), (True, [(callback_id, counsellor.id)])):
        with svc.database.transaction() as session:
            unit = StandInUnit(
                session, clock.now(), svc.cipher, scheduling_config(app), open_now=open_now
            )
            unit.distributor.distribute()
            assert unit.rung_for_callbacks == expected
