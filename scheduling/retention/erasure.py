"""The erasure desk: a case erased on request with four eyes (`hotline.retention.erasure`
holds the rules and the scrub). Confirming cancels what is still to come — the case's
callbacks, and its appointments with the one cancellation mail to the official (METHOD:CANCEL,
if an address is held) and to the counsellor, no SMS — then erases, all in one transaction:
the mails and Twilio's deletions are work rows the scheduler sends after it committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import OPEN_CALLBACK_STATES, Callback, CallbackState
from hotline.cases.models import Case
from hotline.retention import erasure as rules
from hotline.retention.models import CaseErasure

if TYPE_CHECKING:
    from scheduling.unit import Unit


@dataclass(frozen=True)
class Erased:
    erasure_id: int
    twilio_records: int  # Twilio's records of calls and SMS asked to be deleted


class ErasureDesk:
    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.session = unit.session
        self.now = unit.now

    def request(self, case: Case, reason: object, *, by: int | None = None) -> CaseErasure:
        """The first admin (`by`, else the unit's actor) asks, stating why."""
        return rules.request_erasure(self.session, self.now, case, self._who(by), reason)

    def withdraw(self, case: Case, *, by: int | None = None) -> CaseErasure:
        return rules.withdraw_erasure(self.session, self.now, case, self._who(by))

    def confirm(self, case: Case, *, by: int | None = None) -> Erased:
        """A second admin confirms: the case is erased now (ErasureRefused if they may not)."""
        staff_id = self._who(by)
        erasure = rules.confirmable_erasure(self.session, self.now, case, staff_id)
        fence = rules.work_fence(self.session)
        self._cancel_what_is_to_come(case)
        assert staff_id is not None  # confirmable_erasure found the admin
        twilio = rules.carry_out(
            self.session, self.unit.cipher, self.now, case, erasure, staff_id, fence
        )
        return Erased(erasure.id, twilio)

    def _cancel_what_is_to_come(self, case: Case) -> None:
        appointments = self.session.scalars(
            select(Appointment).where(
                Appointment.case_id == case.id,
                Appointment.state == AppointmentState.BOOKED,
                Appointment.start > self.now,
            )
        )
        for appointment in list(appointments):
            self.unit.appointments.cancel(appointment, by_staff=True, by_sms=False)
        callbacks = self.session.scalars(
            select(Callback.id).where(
                Callback.case_id == case.id,
                Callback.state.in_((*OPEN_CALLBACK_STATES, CallbackState.DRAFT)),
            )
        )
        for callback_id in list(callbacks):
            self.unit.placement.cancel(callback_id)

    def _who(self, by: int | None) -> int | None:
        return by if by is not None else self.unit.actor
