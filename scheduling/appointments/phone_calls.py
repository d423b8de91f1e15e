"""The call of a phone appointment, placed at its time like a callback.

A phone appointment is a booked appointment (it holds its counsellor's time, as a video one
does: one availability and one seat scheme) plus a callback row tied to it
(`Callback.appointment_id`). That row holds no seat of a callback slot — the appointment
already holds the counsellor — and is placed by `scheduling.callbacks.placing` like any
callback: the appointment's own counsellor rung first, then the others in turn, then the
caller dialled from the hotline's number, with the same attempts, retries and timeline.

Moving the appointment withdraws its call and arranges a new one for the new time; cancelling
withdraws it. The number is copied from the appointment still sealed (one cipher, no need to
open it) and deleted from the call when the call has ended, as any callback's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from hotline.appointments.models import Appointment
from hotline.callbacks.models import OPEN_CALLBACK_STATES, Callback, CallbackState
from hotline.callbacks.work import place_callback_work
from hotline.outbox import queue

if TYPE_CHECKING:  # the unit hands this its desks
    from scheduling.unit import Unit


class NoNumberToCall(ValueError):
    """A phone appointment needs the official's number."""


def arrange_the_call(unit: Unit, appointment: Appointment) -> int:
    """A callback for the appointment's time, its first attempt queued for then; its id."""
    if appointment.phone_encrypted is None:
        raise NoNumberToCall()
    now = unit.now
    callback = Callback(
        case_id=appointment.case_id,
        appointment_id=appointment.id,
        state=CallbackState.BOOKED,
        slot_start=appointment.start,
        seat=None,  # the appointment holds the counsellor's time
        due_at=appointment.start,
        number_encrypted=appointment.phone_encrypted,  # the same cipher: no need to open it
        number_is_mobile=appointment.phone_is_mobile,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    unit.session.add(callback)
    unit.session.flush()
    work = place_callback_work(callback.id, 1, appointment.start)
    queue.enqueue(unit.session, unit.cipher, now, work)
    return callback.id


def withdraw_the_call(unit: Unit, appointment: Appointment) -> None:
    """The appointment was cancelled or moved: its open call will not be placed (the
    appointment's own timeline entry says why); its number is deleted."""
    open_calls = unit.session.scalars(
        select(Callback.id).where(
            Callback.appointment_id == appointment.id,
            Callback.state.in_(OPEN_CALLBACK_STATES),
        )
    )
    for callback_id in list(open_calls):
        unit.placement.withdraw(callback_id)
