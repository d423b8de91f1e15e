"""Test data made through the service's own functions, one transaction each."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlalchemy import select

from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.service import OpenedCase, open_case
from hotline.clock import Clock
from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import add_counsellor
from hotline.outbox.models import WorkItem
from hotline.outbox.queue import Work, enqueue
from hotline.services import Services


class Factories:
    """`factories.case()`, `factories.counsellor(on_duty=False)`: rows with sensible defaults."""

    def __init__(self, svc: Services, clock: Clock) -> None:
        self._svc = svc
        self._clock = clock
        self._numbers = count(100)

    def case(self) -> OpenedCase:
        with self._svc.database.transaction() as session:
            return open_case(session, self._clock.now())

    def callbacks(self, case_id: int | None, *states: CallbackState) -> list[int]:
        """One callback with a number per state, due a minute apart in that order (stored
        as they are, without a slot's seat); their ids."""
        now = self._clock.now()
        with self._svc.database.transaction() as session:
            callbacks = [
                Callback(
                    case_id=case_id,
                    state=state,
                    due_at=now + timedelta(minutes=minute),
                    number_encrypted=self._svc.cipher.encrypt("+4922812345678"),
                    created_at=now,
                    updated_at=now,
                )
                for minute, state in enumerate(states)
            ]
            session.add_all(callbacks)
            session.flush()
            return [callback.id for callback in callbacks]

    def queued(self, work: Work) -> WorkItem:
        """`work` queued in a transaction of its own; the row as stored."""
        with self._svc.database.transaction() as session:
            enqueue(session, self._svc.cipher, self._clock.now(), work)
            return session.scalars(
                select(WorkItem).where(WorkItem.idempotency_key == work.key)
            ).one()

    def work_item(self, item_id: int) -> WorkItem:
        with self._svc.database.transaction() as session:
            return session.get(WorkItem, item_id)

    def counsellor(
        self,
        name: str | None = None,
        *,
        phone: str | None = None,
        on_duty: bool = True,
        languages: str = "de",
        email: str | None = None,
    ) -> Counsellor:
        number = next(self._numbers)
        with self._svc.database.transaction() as session:
            return add_counsellor(
                session,
                name or f"Beraterin {number}",
                phone or f"+49 228 5555{number}",
                self._svc.cipher,
                self._clock.now(),
                on_duty=on_duty,
                languages=languages,
                email=email,
            )
