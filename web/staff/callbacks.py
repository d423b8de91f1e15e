"""*Rückrufe*: the list, and "jetzt zurückrufen" (click-to-call) for a callback or for an
appointment booked with a number (its page is `web.staff.appointments`).

Click-to-call writes work rows only (the counsellor's phone is rung by the scheduler through
the outbox); the page answers at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.callbacks.listing import case_of_callback
from hotline.cases.today import listed_callbacks
from scheduling.callbacks.click_to_call import call_appointment_back
from scheduling.callbacks.placing import ClickToCallRefused
from web.context import unit_in
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import (
    CALLBACK_STATES,
    back_to,
    now,
    posted_form,
    reading,
    transaction,
)
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_callbacks", __name__)


@blueprint.get("/callbacks")
def callbacks() -> ResponseReturnValue:
    state = request.args.get("state") or ""
    if state not in CALLBACK_STATES:
        state = ""
    with reading() as session:
        lines = listed_callbacks(session, state or None)
    return render_template("staff/callbacks.html", lines=lines, state=state)


@blueprint.post("/callbacks/<id:callback_id>/call")
def call_back_now(callback_id: int) -> ResponseReturnValue:
    return _click_to_call(callback_id=callback_id)


@blueprint.post("/appointments/<id:appointment_id>/call")
def call_appointment_now(appointment_id: int) -> ResponseReturnValue:
    return _click_to_call(appointment_id=appointment_id)


def _click_to_call(
    *, callback_id: int | None = None, appointment_id: int | None = None
) -> ResponseReturnValue:
    back = back_to(url_for("staff_callbacks.callbacks"))
    user = current_user()
    if not posted_form():
        return redirect(back)
    if user.counsellor_id is None:
        flash(TEXTS["not_a_counsellor"], "error")
        return redirect(back)
    try:
        with transaction() as session:
            at = now()
            if appointment_id is not None:
                callback_id = call_appointment_back(
                    unit_in(session), appointment_id, user.counsellor_id
                )
            else:
                assert callback_id is not None
                unit_in(session).placement.ring_now(callback_id, user.counsellor_id)
            case_id = case_of_callback(session, callback_id)
            record(
                session,
                at,
                user.id,
                AuditAction.CALLED,
                case_id=case_id,
                message=AuditMessage.CALLED_BACK,
                params={"id": callback_id},
            )
    except ClickToCallRefused as why:
        flash(str(why), "error")
        return redirect(back)
    flash(TEXTS["calling"])
    return redirect(back)
