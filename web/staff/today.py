"""*Heute*: the day at a glance, and the switch to go on or off duty."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.audit.log import record
from hotline.audit.models import AuditAction
from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import set_on_duty
from scheduling.casework.today import load_today
from web.staff.auth import current_user
from web.staff.blueprint import blueprint
from web.staff.support import now, posted_form, reading, timezone, transaction
from web.staff.texts import TEXTS


@blueprint.get("/")
def today() -> ResponseReturnValue:
    with reading() as session:
        day = load_today(session, now(), timezone())
    return render_template("staff/today.html", day=day, at=now())


@blueprint.post("/duty")
def duty() -> ResponseReturnValue:
    user = current_user()
    if not posted_form():
        return redirect(url_for("staff.today"))
    if user.counsellor_id is None:
        flash(TEXTS["not_a_counsellor"], "error")
        return redirect(url_for("staff.today"))
    on_duty = request.form.get("on_duty") == "1"
    with transaction() as session:
        counsellor = session.get(Counsellor, user.counsellor_id)
        assert counsellor is not None
        set_on_duty(session, counsellor.name, on_duty, now())
        record(
            session,
            now(),
            user.id,
            AuditAction.CHANGED,
            detail="im Dienst" if on_duty else "nicht im Dienst",
        )
    flash(TEXTS["on_duty" if on_duty else "off_duty"])
    return redirect(url_for("staff.today"))
