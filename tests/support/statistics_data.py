"""Rows for the statistics, written straight into the database at the moments a test names:
inbound calls with their outcome and wait, callbacks with their first attempts, appointments,
referrals of cases in a federal state to offers of a category; and statistics made by hand
for the charts and the export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from hotline.appointments.models import Appointment, AppointmentState, BookedVia
from hotline.callbacks.models import Callback, CallbackAttempt, CallbackState
from hotline.cases.models import Case
from hotline.counsellors.models import Counsellor
from hotline.db import Base, Database
from hotline.referrals.models import Referral, SupportOffer
from hotline.reports.local_days import days_between, months_between
from hotline.reports.statistics import (
    CALL_PARTS,
    AppointmentsOnDay,
    CallbacksOnDay,
    CallsOnDay,
    Statistics,
    Tally,
)
from hotline.reports.waits import NO_WAITS, WaitsInMonth, WaitsOnDay, WaitTimes
from hotline.schema import metadata
from hotline.telephony.models import Call, CallDirection, CallOutcome

CREATED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # of rows whose own times do not matter


class StatisticsData:
    """`data.call(at, CallOutcome.CONNECTED, waited=30)`, `data.referral(on, "BY", "legal")`:
    one row (and what it needs) per call, each in its own transaction."""

    def __init__(self, database: Database) -> None:
        metadata()  # every model known, so that foreign keys resolve
        self.database = database
        self._serial = count(1)
        self._counsellor_id: int | None = None
        self._offers: dict[str, int] = {}

    def _add(self, row: Base) -> int:
        with self.database.transaction() as session:
            session.add(row)
            session.flush()
            return row.id  # type: ignore[attr-defined]

    def case(self, federal_state: str | None = None, *, reference: str | None = None) -> int:
        serial = next(self._serial)
        return self._add(
            Case(
                reference=reference or f"{40_000_000 + serial}",
                federal_state=federal_state,
                created_at=CREATED,
                updated_at=CREATED,
            )
        )

    def call(
        self,
        started: datetime,
        outcome: CallOutcome | None = CallOutcome.CONNECTED,
        *,
        waited: float | None = None,
        direction: CallDirection = CallDirection.INBOUND,
        case_id: int | None = None,
    ) -> int:
        """A call; `waited` seconds in the queue (from 30 s after it started) until a
        counsellor took it, or until the caller left the queue for any other outcome."""
        queued = started + timedelta(seconds=30) if waited is not None else None
        left = queued + timedelta(seconds=waited) if queued and waited is not None else None
        connected = outcome == CallOutcome.CONNECTED
        return self._add(
            Call(
                call_sid=f"CA{next(self._serial):032d}",
                direction=direction,
                status="completed",
                case_id=case_id,
                started_at=started,
                ended_at=started + timedelta(minutes=20),
                outcome=outcome,
                queued_at=queued,
                queue_left_at=left,
                connected_at=left if connected else None,
            )
        )

    def callback(
        self,
        state: CallbackState,
        *,
        slot: datetime | None,
        booked: datetime | None = None,
        attempts: tuple[datetime, ...] = (),
    ) -> int:
        """A callback for `slot` (None: as soon as possible), booked at `booked` (a day
        before the slot unless given), with attempts started at the given moments."""
        created = booked or (slot - timedelta(days=1) if slot else None)
        assert created is not None, "a callback without a slot needs its booking time"
        callback_id = self._add(
            Callback(
                state=state,
                slot_start=slot,
                seat=None,
                attempts=len(attempts),
                created_at=created,
                updated_at=created,
            )
        )
        for number, started in enumerate(attempts, 1):
            self._add(
                CallbackAttempt(
                    callback_id=callback_id, number=number, started_at=started, counsellors_tried=""
                )
            )
        return callback_id

    def appointment(
        self,
        start: datetime,
        state: AppointmentState = AppointmentState.BOOKED,
        booked_via: BookedVia = BookedVia.WEB,
    ) -> int:
        serial = next(self._serial)
        return self._add(
            Appointment(
                case_id=self.case(),
                counsellor_id=self._counsellor(),
                state=state,
                start=start,
                end=start + timedelta(minutes=50),
                token_digest=f"{serial:064d}",
                token_encrypted=b"token",
                room=f"room{serial}",
                uid=f"termin-{serial}@example.org",
                booked_via=booked_via,
                created_at=start - timedelta(days=3),
                updated_at=start - timedelta(days=3),
                canceled_at=start - timedelta(days=1)
                if state == AppointmentState.CANCELED
                else None,
            )
        )

    def referral(
        self,
        referred_on: date,
        federal_state: str | None,
        category: str,
        *,
        case_id: int | None = None,
    ) -> int:
        """A referral of a case in `federal_state` to an offer of `category`."""
        return self._add(
            Referral(
                case_id=case_id or self.case(federal_state),
                offer_id=self._offer(category),
                referred_on=referred_on,
                created_at=CREATED,
            )
        )

    def _offer(self, category: str) -> int:
        if category not in self._offers:
            self._offers[category] = self._add(
                SupportOffer(
                    name=f"Beispielangebot {category}",
                    region="BUND",
                    category=category,
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
        return self._offers[category]

    def _counsellor(self) -> int:
        if self._counsellor_id is None:
            self._counsellor_id = self._add(
                Counsellor(
                    name="Beraterin",
                    phone_encrypted=b"phone",
                    created_at=CREATED,
                    updated_at=CREATED,
                )
            )
        return self._counsellor_id


def made_statistics(
    first_day: date,
    last_day: date,
    *,
    calls: dict[date, dict[str, int]] | None = None,
    waits: dict[date, WaitTimes] | None = None,
    waits_by_month: dict[date, WaitTimes] | None = None,
    waits_overall: WaitTimes = NO_WAITS,
    callbacks: dict[date, tuple[int, int, int, int]] | None = None,
    appointments: dict[date, tuple[int, int]] | None = None,
    channels: tuple[Tally, ...] = (),
    by_state: tuple[Tally, ...] = (),
    by_category: tuple[Tally, ...] = (),
) -> Statistics:
    """Statistics as `load_statistics` returns them, with the figures given (zeros for the
    rest): for the charts and the export, which do not need a database. A day's calls are
    given by part (`{"answered": 40, "out_of_hours_callback": 2}`, see CALL_PARTS)."""
    days = days_between(first_day, last_day)
    calls, waits, callbacks = calls or {}, waits or {}, callbacks or {}
    appointments, waits_by_month = appointments or {}, waits_by_month or {}
    return Statistics(
        first_day=first_day,
        last_day=last_day,
        calls=tuple(
            CallsOnDay(day, **{**dict.fromkeys(CALL_PARTS, 0), **calls.get(day, {})})
            for day in days
        ),
        waits=tuple(WaitsOnDay(day, waits.get(day, NO_WAITS)) for day in days),
        waits_by_month=tuple(
            WaitsInMonth(month, waits_by_month.get(month, NO_WAITS))
            for month in months_between(first_day, last_day)
        ),
        waits_overall=waits_overall,
        callbacks=tuple(CallbacksOnDay(day, *callbacks.get(day, (0, 0, 0, 0))) for day in days),
        appointments=tuple(AppointmentsOnDay(day, *appointments.get(day, (0, 0))) for day in days),
        appointments_by_channel=channels,
        referrals_by_state=by_state,
        referrals_by_category=by_category,
    )
