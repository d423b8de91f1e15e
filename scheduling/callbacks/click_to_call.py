""" "Jetzt zurückrufen" from the console for an appointment booked with a phone number: a
callback for now is made from it and placed like any other (the counsellor's phone first,
then the caller's), so that the number, the attempts and the timeline are handled in one
place (`scheduling.callbacks.placing`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotline.appointments.models import Appointment
from hotline.callbacks.models import Callback, CallbackState
from scheduling.callbacks.placing import ClickToCallRefused

if TYPE_CHECKING:  # the unit hands this its desks
    from scheduling.unit import Unit


def call_appointment_back(unit: Unit, appointment_id: int, counsellor_id: int) -> int:
    """The id of the callback now being placed."""
    session, now = unit.session, unit.now
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.phone_encrypted is None:
        raise ClickToCallRefused.because("appointment_without_number")
    callback = Callback(
        case_id=appointment.case_id,
        state=CallbackState.BOOKED,
        due_at=now,
        number_encrypted=appointment.phone_encrypted,  # the same cipher: no need to open it
        number_is_mobile=appointment.phone_is_mobile,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(callback)
    session.flush()
    unit.placement.ring_now(callback.id, counsellor_id)
    return callback.id
