"""Placing a booked callback: a counsellor first, then the caller.

`place_callback` work falls due at the booked time. It rings a counsellor who is on duty,
free, available then and not yet tried in this attempt (longest idle first); nobody free:
it looks again in `counsellor_retry_minutes`. The counsellor hears which case and what time
was booked, and pressing 1 dials the caller with the hotline's number. Nobody answers at the
counsellor's end, or they decline: the next counsellor. The caller busy, not answering, or a
mailbox the counsellor rejects: another attempt in `caller_retry_minutes`, up to
`max_attempts`; then the callback has failed and a follow-up is noted on the case. The number
is deleted when the callback has ended. A callback due while the line is closed (an override,
a holiday) moves to the next opening.

The call of a phone appointment (`scheduling.appointments.phone_calls`) is placed the same
way, with two differences: it is placed at the agreed time even when the line is closed (it
was arranged, often for an evening), and the appointment's own counsellor is rung first in
every round, before the others in turn.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select, update

from hotline.appointments.models import Appointment
from hotline.callbacks.models import (
    ENGAGED_AT_MOST,
    OPEN_CALLBACK_STATES,
    Callback,
    CallbackAttempt,
    CallbackState,
    engaged_in_a_callback,
)
from hotline.callbacks.work import PLACE_CALLBACK, place_callback_work
from hotline.cases.event_texts import VARIANT, event_text
from hotline.cases.events import CaseEventKind, note_on_case
from hotline.cases.models import Case
from hotline.counsellors.models import Counsellor
from hotline.outbox import queue, side_effects
from hotline.outbox.models import WorkItem
from hotline.routing.lock import hold_routing_lock
from hotline.routing.states import (
    CounsellorNow,
    CounsellorState,
    available_counsellors,
    counsellors_now,
)
from hotline.telephony.legs import LegOwner
from hotline.telephony.statuses import TERMINAL_STATUSES
from hotline.texts import text
from scheduling.availability.service import Availability
from scheduling.hours.overrides import opening_hours_at

if TYPE_CHECKING:  # the unit makes the desks; they only read it
    from scheduling.unit import Unit

log = logging.getLogger(__name__)
WHISPER_PATH = "callback/whisper"
_CALLBACKS: Table = Callback.__table__  # type: ignore[assignment]
_ATTEMPTS: Table = CallbackAttempt.__table__  # type: ignore[assignment]
_COUNSELLORS: Table = Counsellor.__table__  # type: ignore[assignment]
DIALLING, ANSWERED = "dialling", "answered"  # an attempt's outcome while it is under way
MACHINE = "machine"  # under way: a mailbox or fax took the caller's leg; the counsellor decides
IN_LINE = "in line"  # holds a caller's place: the distributor rings for it in turn


class ClickToCallRefused(ValueError):
    """Why "jetzt zurückrufen" cannot ring now (German, for the console)."""

    @classmethod
    def because(cls, reason: str) -> ClickToCallRefused:
        """The refusal in the words of `hotline/texts/callbacks.toml` ([click_to_call])."""
        return cls(text(f"callbacks.click_to_call.{reason}"))


@dataclass(frozen=True)
class AttemptView:
    """What the counsellor's leg of an attempt needs."""

    attempt_id: int
    callback_id: int
    number: int
    case_reference: str | None
    booked_for: datetime | None
    still_open: bool
    machine: bool = False  # answering-machine detection heard a mailbox on the caller's leg
    phone_appointment: bool = False  # the call of a phone appointment, not a callback


class CallbackPlacement:
    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.session = unit.session
        self.now = unit.now
        self.cipher = unit.cipher
        self.scheduling = unit.config
        self.config = unit.config.callbacks

    # --- the scheduler's side -------------------------------------------------------------
    def place(self, callback_id: int, attempt_number: int) -> str:
        """A due `place_callback`: what it did, for the work row's reference. A callback that
        holds a caller's place in line ("in line") is rung by the distributor, in turn."""
        hold_routing_lock(self.session)
        callback = self.session.get(
            Callback, callback_id, with_for_update=True, populate_existing=True
        )
        if callback is None or callback.state not in OPEN_CALLBACK_STATES:
            return "no longer open"
        hours = opening_hours_at(self.session, self.scheduling.hours, self.now)
        status = hours.status_at(self.now)
        attempt = self._attempt(callback, attempt_number)
        # a phone appointment is agreed for its time, by arrangement outside the hours too
        if not status.is_open and callback.appointment_id is None:
            callback.line_since = None  # the line is closed: it waits for its time instead
            return self._move_to(callback, attempt, status.next_opening)
        if attempt.outcome is not None:
            return "attempt over"
        if callback.line_since is not None:
            return IN_LINE
        if self._engaged(attempt):  # an earlier look rang someone who has not answered yet
            return f"counsellor {attempt.counsellor_id} still rung"
        counsellor = self._next_counsellor(callback, attempt)
        if counsellor is None:
            return self._wait_for_a_counsellor(callback, attempt)
        counsellor_id, number = counsellor
        self._ring(callback, attempt, counsellor_id, number)
        return f"counsellor {counsellor_id} rung"

    def ring_now(self, callback_id: int, counsellor_id: int) -> int:
        """Click-to-call ("jetzt zurückrufen") from the console: ring this counsellor now;
        pressing 1 dials the caller, as in any attempt (should they not answer, the attempt
        goes on to the next free counsellor). The attempt's number; ClickToCallRefused says
        why not, in German."""
        hold_routing_lock(self.session)
        callback = self.session.get(
            Callback, callback_id, with_for_update=True, populate_existing=True
        )
        if callback is None or callback.state not in OPEN_CALLBACK_STATES:
            raise ClickToCallRefused.because("not_open")
        if callback.number_encrypted is None:
            raise ClickToCallRefused.because("no_number")
        attempt = self._attempt(callback, max(callback.attempts, 1))
        if attempt.outcome is not None or attempt.ended_at is not None:
            attempt = self._attempt(callback, callback.attempts + 1)
        if self._engaged(attempt):
            raise ClickToCallRefused.because("already_ringing")
        counsellor = self.session.get(Counsellor, counsellor_id)
        if counsellor is None:
            raise ClickToCallRefused.because("not_a_counsellor")
        if not self._still_free(counsellor_id):
            raise ClickToCallRefused.because("engaged")
        number = self.cipher.decrypt_or_none(counsellor.phone_encrypted)
        if number is None:
            raise ClickToCallRefused.because("own_number_unreadable")
        attempt.started_at = self.now
        self._ring(callback, attempt, counsellor_id, number, tag="now")
        self._note(
            callback,
            CaseEventKind.CALLBACK_ATTEMPT,
            {VARIANT: "now", "attempt": attempt.number, "counsellor": counsellor.name},
        )
        return attempt.number

    def ring_in_line(self, callback_id: int, counsellor_id: int, number: str) -> None:
        """The distributor's turn for a callback holding a place in line: ring this
        counsellor (free, under the routing lock) for its current attempt."""
        callback = self.session.get(Callback, callback_id, populate_existing=True)
        if callback is None or callback.state not in OPEN_CALLBACK_STATES:
            return
        attempt = self._attempt(callback, max(callback.attempts, 1))
        if attempt.outcome is not None or self._engaged(attempt):
            return
        self._ring(callback, attempt, counsellor_id, number)

    def _ring(
        self,
        callback: Callback,
        attempt: CallbackAttempt,
        counsellor_id: int,
        number: str,
        tag: str = "",
    ) -> None:
        attempt.counsellor_id, attempt.counsellor_rung_at = counsellor_id, self.now
        attempt.counsellors_tried = ",".join(str(c) for c in [*_tried(attempt), counsellor_id])
        callback.state, callback.updated_at = CallbackState.CALLING, self.now
        rung_at = int(self.now.timestamp())
        work = side_effects.place_call(
            f"callback:{callback.id}:attempt:{attempt.number}:{rung_at}:{counsellor_id}{tag}",
            to=number,
            answer_path=f"{WHISPER_PATH}?attempt={attempt.id}",
            due_at=self.now,
            ring_seconds=self.scheduling.routing.ring_seconds,
            case_id=callback.case_id,
            leg=LegOwner.CALLBACK,
        )
        attempt.ring_work_id = queue.enqueue(self.session, self.cipher, self.now, work)

    def ring_status(self, work_id: int, leg_sid: str, status: str) -> bool:
        """A status callback of a counsellor's ring; False if the work rang no callback."""
        attempt = self.session.scalars(
            select(CallbackAttempt).where(CallbackAttempt.ring_work_id == work_id)
        ).one_or_none()
        if attempt is None:
            return False
        queue.note_reference(self.session, work_id, leg_sid)
        if attempt.counsellor_leg_sid is None:
            attempt.counsellor_leg_sid = leg_sid
        if status not in TERMINAL_STATUSES or attempt.ended_at is not None:
            return True
        if attempt.outcome is None:  # nobody answered, or they hung up without pressing 1
            self._try_next_counsellor(attempt)
        elif attempt.outcome == ANSWERED:  # they talked; the counsellor hung up without saying
            self.talked(attempt.id)
        elif attempt.outcome == DIALLING:  # the dial's own report never came: try again later
            self.caller_unreachable(attempt.id, "lost")
        return True

    # --- the counsellor's leg -------------------------------------------------------------
    def view(self, attempt_id: int) -> AttemptView | None:
        row = self.session.execute(
            select(
                _ATTEMPTS.c.id,
                _ATTEMPTS.c.callback_id,
                _ATTEMPTS.c.number,
                Case.reference,
                _CALLBACKS.c.slot_start,
                _CALLBACKS.c.state,
                _ATTEMPTS.c.outcome,
                _CALLBACKS.c.appointment_id,
            )
            .join(_CALLBACKS, _CALLBACKS.c.id == _ATTEMPTS.c.callback_id)
            .outerjoin(Case, Case.id == _CALLBACKS.c.case_id)
            .where(_ATTEMPTS.c.id == attempt_id)
        ).one_or_none()
        if row is None:
            return None
        still_open = row.state == CallbackState.CALLING and row.outcome is None
        return AttemptView(
            row.id,
            row.callback_id,
            row.number,
            row.reference,
            row.slot_start,
            still_open,
            machine=row.outcome == MACHINE,
            phone_appointment=row.appointment_id is not None,
        )

    def counsellor_accepts(self, attempt_id: int) -> str | None:
        """Pressed 1: the caller's number to dial, if the attempt is still open."""
        view = self.view(attempt_id)
        if view is None or not view.still_open:
            return None
        self.session.execute(
            update(_ATTEMPTS).where(_ATTEMPTS.c.id == attempt_id).values(outcome=DIALLING)
        )
        self.session.execute(  # taken: it no longer holds a place in line
            update(_CALLBACKS).where(_CALLBACKS.c.id == view.callback_id).values(line_since=None)
        )
        token = self.session.scalar(
            select(_CALLBACKS.c.number_encrypted).where(_CALLBACKS.c.id == view.callback_id)
        )
        return self.cipher.decrypt(token) if token else None

    def number_of(self, attempt_id: int) -> str | None:
        """The caller's number for an attempt under way (to leave the neutral message)."""
        token = self.session.scalar(
            select(_CALLBACKS.c.number_encrypted)
            .join(_ATTEMPTS, _ATTEMPTS.c.callback_id == _CALLBACKS.c.id)
            .where(_ATTEMPTS.c.id == attempt_id, _ATTEMPTS.c.ended_at.is_(None))
        )
        return self.cipher.decrypt(token) if token else None

    def caller_answered(self, attempt_id: int) -> None:
        """The caller's phone was picked up (by them, or by a mailbox: the counsellor says)."""
        self.session.execute(
            update(_ATTEMPTS)
            .where(_ATTEMPTS.c.id == attempt_id, _ATTEMPTS.c.outcome == DIALLING)
            .values(outcome=ANSWERED)
        )

    def machine_answered(self, attempt_id: int) -> None:
        """Twilio's answering-machine detection heard a mailbox (or a fax) on the caller's
        leg, which was then hung up unheard: the counsellor is told and decides."""
        self.session.execute(
            update(_ATTEMPTS)
            .where(_ATTEMPTS.c.id == attempt_id, _ATTEMPTS.c.outcome == DIALLING)
            .values(outcome=MACHINE)
        )

    def counsellor_declines(self, attempt_id: int) -> None:
        attempt = self.session.get(CallbackAttempt, attempt_id)
        if attempt is not None and attempt.outcome is None:
            self._try_next_counsellor(attempt)

    def caller_unreachable(self, attempt_id: int, reason: str) -> datetime | None:
        """Busy, no answer, or only a mailbox: the next attempt's time, or None when this was
        the last (the callback has failed; the case is marked for a follow-up)."""
        attempt = self.session.get(CallbackAttempt, attempt_id)
        callback = self.session.get(Callback, attempt.callback_id) if attempt else None
        if attempt is None or callback is None or attempt.ended_at is not None:
            return None
        attempt.outcome, attempt.ended_at = f"caller-{reason}"[:32], self.now
        self._note(
            callback,
            CaseEventKind.CALLBACK_ATTEMPT,
            {VARIANT: "unreached", "attempt": attempt.number, "reason": reason},
        )
        if attempt.number < self.config.max_attempts:
            retry = self.now + timedelta(minutes=self.config.caller_retry_minutes)
            callback.state, callback.due_at, callback.updated_at = (
                CallbackState.BOOKED,
                retry,
                self.now,
            )
            self._queue(callback.id, attempt.number + 1, retry)
            return retry
        self._fail(callback, {VARIANT: "unreached", "attempts": attempt.number})
        return None

    def talked(self, attempt_id: int) -> None:
        attempt = self.session.get(CallbackAttempt, attempt_id)
        callback = self.session.get(Callback, attempt.callback_id) if attempt else None
        if attempt is None or callback is None or attempt.ended_at is not None:
            return
        attempt.outcome, attempt.ended_at = "talked", self.now
        self._end(callback, CallbackState.DONE)
        if attempt.counsellor_id is not None:  # the wrap-up, as after a call in the line
            self.session.execute(
                update(_COUNSELLORS)
                .where(_COUNSELLORS.c.id == attempt.counsellor_id)
                .values(
                    last_call_at=self.now,
                    wrap_up_until=self.now
                    + timedelta(seconds=self.scheduling.routing.wrap_up_seconds),
                )
            )
        self._note(callback, CaseEventKind.CALLBACK_DONE, {"attempt": attempt.number})

    def cancel(self, callback_id: int, *, by_booker: bool = False) -> bool:
        """By staff, or by the booker through the manage link (only before it is under way):
        the callback will not be placed; its place and number are released. The call of a
        phone appointment is not cancelled alone (the time would stay booked): its
        appointment is."""
        # populate_existing: the manage page loaded it before this lock; the locked row counts
        callback = self.session.get(
            Callback, callback_id, with_for_update=True, populate_existing=True
        )
        cancellable = (
            (CallbackState.BOOKED,) if by_booker else (*OPEN_CALLBACK_STATES, CallbackState.DRAFT)
        )
        if callback is None or callback.state not in cancellable:
            return False
        if callback.appointment_id is not None:  # its appointment is cancelled, not the call
            return False
        self._call_off(callback)
        by = "by_booker" if by_booker else "by_staff"
        self._note(callback, CaseEventKind.CALLBACK_CANCELED, {VARIANT: by})
        return True

    def withdraw(self, callback_id: int) -> None:
        """The phone appointment this call was for was cancelled or moved: the call will not
        be placed (a leg still ringing finds it over), its number is deleted. The timeline
        has the appointment's own entry, so none is added here."""
        callback = self.session.get(
            Callback, callback_id, with_for_update=True, populate_existing=True
        )
        if callback is not None and callback.state in OPEN_CALLBACK_STATES:
            self._call_off(callback)

    def _call_off(self, callback: Callback) -> None:
        pending = self.session.scalars(
            select(WorkItem.id).where(
                WorkItem.kind == PLACE_CALLBACK,
                WorkItem.idempotency_key.like(f"callback:{callback.id}:%"),
            )
        )
        for work_id in list(pending):
            queue.cancel(self.session, work_id, self.now)
        self._end(callback, CallbackState.CANCELED)

    # --- inside ---------------------------------------------------------------------------
    def _attempt(self, callback: Callback, number: int) -> CallbackAttempt:
        attempt = self.session.scalars(
            select(CallbackAttempt).where(
                CallbackAttempt.callback_id == callback.id, CallbackAttempt.number == number
            )
        ).one_or_none()
        if attempt is None:
            attempt = CallbackAttempt(
                callback_id=callback.id, number=number, started_at=self.now, counsellors_tried=""
            )
            self.session.add(attempt)
            self.session.flush()
            callback.attempts = max(callback.attempts, number)
        return attempt

    def _engaged(self, attempt: CallbackAttempt) -> bool:
        rung_at = attempt.counsellor_rung_at
        return (
            attempt.counsellor_id is not None
            and rung_at is not None
            and rung_at > self.now - ENGAGED_AT_MOST
        )

    def _wait_for_a_counsellor(self, callback: Callback, attempt: CallbackAttempt) -> str:
        """Nobody free (or all who are have let it pass): look again in a few minutes, and
        ring everyone again then. Nobody has taken it for too long: a follow-up instead."""
        waited = self.now - attempt.started_at
        if waited >= timedelta(minutes=self.config.give_up_after_minutes):
            attempt.outcome, attempt.ended_at = "nobody-took-it", self.now
            self._fail(callback, {VARIANT: "nobody_took_it", "attempt": attempt.number})
            return "given up: nobody took it"
        retry = self.now + timedelta(minutes=self.config.counsellor_retry_minutes)
        attempt.counsellors_tried = ""  # the next look asks everyone free again
        callback.state, callback.due_at, callback.updated_at = CallbackState.BOOKED, retry, self.now
        self._queue(callback.id, attempt.number, retry, f"wait-{int(self.now.timestamp())}")
        return "nobody free"

    def _next_counsellor(
        self, callback: Callback, attempt: CallbackAttempt
    ) -> tuple[int, str] | None:
        """A phone appointment's own counsellor first; then anyone free
        (`hotline.routing.states`: not rung, not talking, not in a wrap-up or an
        appointment), not tried in this attempt, available for the callback's slot."""
        states = counsellors_now(self.session, self.now)
        own = self._appointment_counsellor(callback, attempt, states)
        if own is not None:
            return own
        free = [
            c for c in available_counsellors(states, self.cipher) if c.id not in _tried(attempt)
        ]
        if not free:
            return None
        tz = self.scheduling.hours.timezone
        availability = Availability.load(
            self.session,
            [c.id for c in free],
            self.now.astimezone(tz).date(),
            tz,
            appointment_buffer=self.scheduling.appointments.buffer,
        )
        window_end = self.now + self.config.slot
        for candidate in free:  # longest idle first
            if availability.available(candidate.id, self.now, window_end):
                return candidate.id, candidate.number
        return None

    def _appointment_counsellor(
        self, callback: Callback, attempt: CallbackAttempt, states: list[CounsellorNow]
    ) -> tuple[int, str] | None:
        """The counsellor of the phone appointment this call is for, unless tried in this
        round already or on (or rung for) another call: the appointment holds their time, so
        neither being off duty for the line nor the appointment itself keeps them out."""
        if callback.appointment_id is None:
            return None
        counsellor_id = self.session.scalar(
            select(Appointment.counsellor_id).where(Appointment.id == callback.appointment_id)
        )
        if counsellor_id is None or counsellor_id in _tried(attempt):
            return None
        now = next((state for state in states if state.id == counsellor_id), None)
        if now is None or now.state in (CounsellorState.RINGING, CounsellorState.TALKING):
            return None
        number = self.cipher.decrypt_or_none(now.phone_encrypted)
        return (counsellor_id, number) if number is not None else None

    def _still_free(self, counsellor_id: int) -> bool:
        """Not engaged with another callback (under the routing lock: nobody rings them
        meanwhile). A counsellor who clicks "jetzt zurückrufen" during a wrap-up or while
        rung for a caller may: they chose to."""
        engaged = self.session.scalar(
            select(engaged_in_a_callback(_COUNSELLORS.c.id, self.now)).where(
                _COUNSELLORS.c.id == counsellor_id
            )
        )
        return not engaged

    def _try_next_counsellor(self, attempt: CallbackAttempt) -> None:
        """The counsellor rung did not take it: they are free again; the next one is rung."""
        if attempt.counsellor_id is not None:
            self._note_by_id(
                attempt.callback_id,
                CaseEventKind.CALLBACK_ATTEMPT,
                {VARIANT: "passed_on", "attempt": attempt.number},
            )
        attempt.counsellor_id = None
        self._queue(attempt.callback_id, attempt.number, self.now, f"next-{attempt.ring_work_id}")

    def _move_to(
        self, callback: Callback, attempt: CallbackAttempt, opening: datetime | None
    ) -> str:
        """Due while the line is closed: the attempt starts afresh at the next opening."""
        if opening is None:
            self._fail(callback, {VARIANT: "no_opening"})
            return "given up: no opening in sight"
        attempt.started_at, attempt.counsellors_tried = opening, ""
        callback.state, callback.due_at, callback.updated_at = (
            CallbackState.BOOKED,
            opening,
            self.now,
        )
        self._queue(callback.id, attempt.number, opening, f"moved-{int(opening.timestamp())}")
        return f"moved to {opening.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def _queue(self, callback_id: int, attempt: int, due_at: datetime, tag: str = "") -> None:
        queue.enqueue(
            self.session,
            self.cipher,
            self.now,
            place_callback_work(callback_id, attempt, due_at, tag),
        )

    def _fail(self, callback: Callback, why: Mapping[str, Any]) -> None:
        """The callback will not happen: a follow-up on the case says so, the number goes."""
        self._end(callback, CallbackState.FAILED)
        self._note(callback, CaseEventKind.CALLBACK_FAILED, why)
        self._note(callback, CaseEventKind.FOLLOW_UP, {})
        said = event_text(CaseEventKind.CALLBACK_FAILED, why)
        log.warning("callback failed", extra={"callback_id": callback.id, "why": said})

    def _end(self, callback: Callback, state: CallbackState) -> None:
        callback.state, callback.ended_at, callback.updated_at = state, self.now, self.now
        callback.number_encrypted = None  # no longer needed: deleted
        if state == CallbackState.CANCELED:
            callback.seat = None  # the place is free again

    def _note(self, callback: Callback, kind: CaseEventKind, params: Mapping[str, Any]) -> None:
        """An entry on the callback's case; the call of a phone appointment is said as the
        appointment's ("Telefontermin geführt"), not as a callback nobody asked for."""
        if callback.appointment_id is not None:
            kind = _AS_APPOINTMENT.get(kind, kind)
        note_on_case(self.session, callback.case_id, self.now, kind, params)

    def _note_by_id(self, callback_id: int, kind: CaseEventKind, params: Mapping[str, Any]) -> None:
        case_id = self.session.scalar(
            select(_CALLBACKS.c.case_id).where(_CALLBACKS.c.id == callback_id)
        )
        note_on_case(self.session, case_id, self.now, kind, params)


_AS_APPOINTMENT = {
    CaseEventKind.CALLBACK_DONE: CaseEventKind.PHONE_APPOINTMENT_CALL_DONE,
    CaseEventKind.CALLBACK_FAILED: CaseEventKind.PHONE_APPOINTMENT_CALL_FAILED,
}


def _tried(attempt: CallbackAttempt) -> list[int]:
    return [int(part) for part in attempt.counsellors_tried.split(",") if part]
