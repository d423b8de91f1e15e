"""Rows of every kind the retention sweep looks at, written straight into the database at the
moments a test names (the service's own functions would stamp them with the clock's now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.event_texts import LEGACY_TEXT, VARIANT, event_text
from hotline.cases.events import CaseEvent, CaseEventKind
from hotline.cases.models import Case, CaseStatus
from hotline.clock import FixedClock
from hotline.db import Base
from hotline.outbox.models import WorkItem, WorkState
from hotline.referrals.models import Referral, SupportOffer
from hotline.services import Services
from hotline.staff.accounts import add_account
from hotline.staff.models import LoginThrottle, StaffRole, StaffSession
from hotline.telephony.models import Call, WebhookEvent
from tests.support.factories import Factories
from tests.support.twilio import CALLER

M = TypeVar("M", bound=Base)
DAY = timedelta(days=1)
EMAIL = "amt@example.org"


@dataclass(frozen=True)
class ShownEvent:
    """A timeline entry as stored (kind, time, parameters) and the sentence it says."""

    kind: str
    at: datetime
    params: dict[str, Any] | None
    text: str


class RetentionRows:
    """`rows.call(ended=...)`, `rows.closed_case(closed=...)`: each returns the new row's id;
    `rows.get(Model, id)` reads a row back, detached."""

    def __init__(self, svc: Services, factories: Factories, now: datetime) -> None:
        self.svc = svc
        self.factories = factories
        self.now = now
        self._serial = count(1)
        self._counsellor_id: int | None = None

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def number(self) -> bytes:
        return self.svc.cipher.encrypt(CALLER)

    def call(self, *, started: datetime, ended: datetime | None, number: bool = True) -> int:
        return self._add(
            Call(
                call_sid=f"CA{next(self._serial):032d}",
                direction="inbound",
                caller_number_encrypted=self.number() if number else None,
                caller_withheld=not number,
                status="completed" if ended else "in-progress",
                started_at=started,
                ended_at=ended,
            )
        )

    def callback(
        self, state: CallbackState, *, updated: datetime, ended: datetime | None = None
    ) -> int:
        return self._add(
            Callback(
                state=state,
                number_encrypted=self.number(),
                created_at=updated - DAY,
                updated_at=updated,
                ended_at=ended,
            )
        )

    def appointment(
        self, *, end: datetime, canceled: datetime | None = None, contact: bool = True
    ) -> int:
        serial = next(self._serial)
        cipher = self.svc.cipher
        return self._add(
            Appointment(
                case_id=self.factories.case().id,
                counsellor_id=self._counsellor(),
                state=AppointmentState.CANCELED if canceled else AppointmentState.BOOKED,
                start=end - timedelta(minutes=45),
                end=end,
                name_encrypted=cipher.encrypt("Frau Amtsträgerin") if contact else None,
                email_encrypted=cipher.encrypt(EMAIL) if contact else None,
                phone_encrypted=self.number() if contact else None,
                token_digest=f"{serial:064d}",
                token_encrypted=cipher.encrypt(f"token-{serial}"),
                room=f"room-{serial}",
                uid=f"appointment-{serial}@starkestelle.de",
                booked_via="web",
                created_at=end - 10 * DAY,
                updated_at=canceled or end - 10 * DAY,
                canceled_at=canceled,
            )
        )

    def work_item(self, state: WorkState, *, finished: datetime | None) -> int:
        serial = next(self._serial)
        return self._add(
            WorkItem(
                kind="send_sms",
                idempotency_key=f"retention-test-{serial}",
                state=state,
                due_at=(finished or self.now) - DAY,
                attempts=3,
                max_attempts=3,
                payload_encrypted=self.svc.cipher.encrypt(f'{{"to": "{CALLER}"}}'),
                created_at=(finished or self.now) - DAY,
                updated_at=finished or self.now,
                finished_at=finished,
            )
        )

    def webhook_event(self, *, received: datetime) -> int:
        return self._add(
            WebhookEvent(
                delivery_key=f"delivery-{next(self._serial)}",
                endpoint="/twilio/voice/incoming",
                call_sid=None,
                received_at=received,
                response_status=200,
                response_encrypted=self.svc.cipher.encrypt("<Response/>"),
                response_type="text/xml",
            )
        )

    def case(
        self,
        status: CaseStatus,
        *,
        updated: datetime,
        closed: datetime | None = None,
        anonymised: datetime | None = None,
    ) -> int:
        """A case with notes, a federal state and topic, two timeline entries (one with its
        parameters, one stored as a sentence before 0014) and a referral whose follow-up
        outcome is recorded."""
        case_id = self.factories.case().id
        with self.svc.database.transaction() as session:
            case = session.get(Case, case_id)
            case.status = status
            case.federal_state = "BY"
            case.topic = "threat"
            case.notes_encrypted = self.svc.cipher.encrypt(f"Rückruf unter {CALLER}")
            case.created_at = updated - 30 * DAY
            case.updated_at = updated
            case.closed_at = closed
            case.anonymised_at = anonymised
            session.add_all(
                [
                    CaseEvent(
                        case_id=case_id,
                        at=updated - DAY,
                        kind=CaseEventKind.REFERRED,
                        params={
                            VARIANT: "with_follow_up",
                            "offer": "Beratungsstelle in München",
                            "region": "BY",
                            "follow_up": updated.date().isoformat(),
                        },
                    ),
                    CaseEvent(
                        case_id=case_id,
                        at=updated,
                        kind=CaseEventKind.STATUS_CHANGED,
                        params={LEGACY_TEXT: "geschlossen: Anruferin hat Hilfe gefunden"},
                    ),
                ]
            )
            session.add(
                Referral(
                    case_id=case_id,
                    offer_id=self._offer(session),
                    referred_on=(updated - DAY).date(),
                    follow_up_on=updated.date(),
                    follow_up_outcome_encrypted=self.svc.cipher.encrypt(
                        "Frau M. hat einen Termin bekommen"
                    ),
                    follow_up_done_at=updated,
                    created_at=updated - DAY,
                )
            )
        return case_id

    def staff_session(self, *, started: datetime, ended: datetime | None) -> int:
        """A console session (of an account made for it) that started and perhaps ended."""
        with self.svc.database.transaction() as session:
            account = add_account(
                session,
                self.svc.cipher,
                started,
                email=f"person{next(self._serial)}@example.org",
                role=StaffRole.COUNSELLOR,
                password="richtig-langes-passwort",
            )
            row = StaffSession(
                account_id=account.id,
                token_digest=f"{next(self._serial):064d}",
                started_at=started,
                seen_at=started,
                ended_at=ended,
                end_reason="logout" if ended else None,
            )
            session.add(row)
            session.flush()
            return int(row.id)

    def login_failures(self, *, updated: datetime) -> None:
        with self.svc.database.transaction() as session:
            session.add(
                LoginThrottle(
                    address_key=f"{next(self._serial):064d}",
                    client_key="c" * 64,
                    failures=3,
                    updated_at=updated,
                )
            )

    def get(self, model: type[M], row_id: int) -> M:
        with self.svc.database.transaction() as session:
            row = session.get(model, row_id)
            assert row is not None
            session.expunge(row)
            return row

    def timeline(self, case_id: int) -> list[ShownEvent]:
        with self.svc.database.transaction() as session:
            events = session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
            return [
                ShownEvent(e.kind, e.at, e.params, event_text(e.kind, e.params)) for e in events
            ]

    def referral(self, case_id: int) -> Referral:
        with self.svc.database.transaction() as session:
            referral = session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
            session.expunge(referral)
            return referral

    def count(self, model: type[Base]) -> int:
        with self.svc.database.transaction() as session:
            return len(session.scalars(select(model)).all())

    def _add(self, row: Any) -> int:
        with self.svc.database.transaction() as session:
            session.add(row)
            session.flush()
            return int(row.id)

    def _counsellor(self) -> int:
        if self._counsellor_id is None:
            self._counsellor_id = self.factories.counsellor().id
        return self._counsellor_id

    def _offer(self, session: Any) -> int:
        offer = session.scalars(select(SupportOffer)).first()
        if offer is None:
            offer = SupportOffer(
                name="Beispielstelle (Beispieldaten)",
                region="BY",
                category="victim_support",
                last_checked=date(2025, 1, 1),
                created_at=self.now,
                updated_at=self.now,
            )
            session.add(offer)
            session.flush()
        return int(offer.id)


@pytest.fixture
def rows(svc: Services, factories: Factories, clock: FixedClock) -> RetentionRows:
    return RetentionRows(svc, factories, clock.now())
