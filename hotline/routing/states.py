"""What each counsellor is doing now: free, ringing, talking, wrap-up, in a video appointment,
or off duty, and since when.

One reading for the distributor (who may be offered a caller), the callbacks (who may be rung
for one), the console's *Heute* and `hotline queue`. A counsellor is offered nothing unless
free: not rung for a caller or a callback, not talking to either, not in a video appointment,
and not in the wrap-up time after a call (`[routing] wrap_up_seconds`, ended early with
"bereit").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import ENGAGED_AT_MOST, CallbackAttempt
from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.routing.models import OPEN_STATES, CallOffer
from hotline.telephony.models import Call

log = logging.getLogger(__name__)
_CALLS: Table = Call.__table__  # type: ignore[assignment]
_OFFERS: Table = CallOffer.__table__  # type: ignore[assignment]
_ATTEMPTS: Table = CallbackAttempt.__table__  # type: ignore[assignment]
_APPOINTMENTS: Table = Appointment.__table__  # type: ignore[assignment]
_COUNSELLORS: Table = Counsellor.__table__  # type: ignore[assignment]


class CounsellorState(StrEnum):
    FREE = "free"
    RINGING = "ringing"  # rung for a caller or a callback (or hearing the whisper)
    TALKING = "talking"  # with a caller, or on a callback
    WRAP_UP = "wrap_up"  # after a call, before the next offer
    IN_APPOINTMENT = "in_appointment"  # a video appointment runs
    OFF_DUTY = "off_duty"


@dataclass(frozen=True)
class CounsellorNow:
    id: int
    name: str
    state: CounsellorState
    since: datetime | None
    on_duty: bool
    languages: frozenset[str]
    last_call_at: datetime | None  # when their last call ended: longest idle first
    until: datetime | None  # the end of a wrap-up or an appointment, when it is known
    phone_encrypted: bytes

    @property
    def available(self) -> bool:
        return self.on_duty and self.state == CounsellorState.FREE


@dataclass(frozen=True)
class Available:
    """A counsellor who may be rung now, with the number to ring."""

    id: int
    number: str
    languages: frozenset[str]
    last_call_at: datetime | None


def counsellors_now(session: Session, now: datetime) -> list[CounsellorNow]:
    """Every counsellor's state at `now`, in the order of their names."""
    busy: dict[int, tuple[CounsellorState, datetime | None, datetime | None]] = {}

    def note(
        counsellor_id: int | None,
        state: CounsellorState,
        since: datetime | None,
        until: datetime | None = None,
    ) -> None:
        # talking outranks ringing, which outranks an appointment
        order = (CounsellorState.TALKING, CounsellorState.RINGING, CounsellorState.IN_APPOINTMENT)
        if counsellor_id is None:
            return
        held = busy.get(counsellor_id)
        if held is None or order.index(state) < order.index(held[0]):
            busy[counsellor_id] = (state, since, until)

    for counsellor_id, connected_at in session.execute(
        select(_CALLS.c.counsellor_id, _CALLS.c.connected_at).where(
            _CALLS.c.counsellor_id.is_not(None),
            _CALLS.c.connected_at.is_not(None),
            _CALLS.c.ended_at.is_(None),
        )
    ):
        note(counsellor_id, CounsellorState.TALKING, connected_at)
    for counsellor_id, offered_at in session.execute(
        select(_OFFERS.c.counsellor_id, _OFFERS.c.offered_at).where(
            _OFFERS.c.state.in_(OPEN_STATES)
        )
    ):
        note(counsellor_id, CounsellorState.RINGING, offered_at)
    for counsellor_id, rung_at, outcome in session.execute(
        select(
            _ATTEMPTS.c.counsellor_id, _ATTEMPTS.c.counsellor_rung_at, _ATTEMPTS.c.outcome
        ).where(
            _ATTEMPTS.c.counsellor_id.is_not(None),
            _ATTEMPTS.c.ended_at.is_(None),
            _ATTEMPTS.c.counsellor_rung_at > now - ENGAGED_AT_MOST,
        )
    ):
        state = CounsellorState.RINGING if outcome is None else CounsellorState.TALKING
        note(counsellor_id, state, rung_at)
    for counsellor_id, start, end in session.execute(
        select(_APPOINTMENTS.c.counsellor_id, _APPOINTMENTS.c.start, _APPOINTMENTS.c.end).where(
            _APPOINTMENTS.c.state == AppointmentState.BOOKED,
            _APPOINTMENTS.c.start <= now,
            _APPOINTMENTS.c.end > now,
        )
    ):
        note(counsellor_id, CounsellorState.IN_APPOINTMENT, start, end)

    found = []
    for row in session.execute(
        select(
            _COUNSELLORS.c.id,
            _COUNSELLORS.c.name,
            _COUNSELLORS.c.on_duty,
            _COUNSELLORS.c.languages,
            _COUNSELLORS.c.last_call_at,
            _COUNSELLORS.c.wrap_up_until,
            _COUNSELLORS.c.updated_at,
            _COUNSELLORS.c.phone_encrypted,
        ).order_by(_COUNSELLORS.c.name)
    ):
        state, since, until = busy.get(row.id, (CounsellorState.FREE, row.last_call_at, None))
        if state == CounsellorState.FREE:
            if not row.on_duty:
                state, since = CounsellorState.OFF_DUTY, row.updated_at
            elif row.wrap_up_until is not None and row.wrap_up_until > now:
                state, since, until = CounsellorState.WRAP_UP, row.last_call_at, row.wrap_up_until
        languages = frozenset(part.strip() for part in row.languages.split(",") if part.strip())
        found.append(
            CounsellorNow(
                row.id,
                row.name,
                state,
                since,
                row.on_duty,
                languages,
                row.last_call_at,
                until,
                row.phone_encrypted,
            )
        )
    return found


def available_counsellors(states: list[CounsellorNow], cipher: DataCipher) -> list[Available]:
    """Those who may be rung now, longest idle first; a number that cannot be read (a key no
    longer configured) keeps its counsellor out, and is logged."""
    free = []
    for counsellor in states:
        if not counsellor.available:
            continue
        number = cipher.decrypt_or_none(counsellor.phone_encrypted)
        if number is None:
            log.error(
                "counsellor number cannot be decrypted", extra={"counsellor_id": counsellor.id}
            )
            continue
        free.append(Available(counsellor.id, number, counsellor.languages, counsellor.last_call_at))
    return sorted(free, key=lambda c: (c.last_call_at is not None, c.last_call_at, c.id))
