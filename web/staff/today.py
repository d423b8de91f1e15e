"""*Heute*: the day at a glance, the line as it is now (updating itself), the switch to go on
or off duty, and "bereit" to end one's wrap-up early."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.abuse.protection import protection_state
from hotline.abuse.wording import flood_words
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.cases.today import load_today
from hotline.counsellors.service import switch_duty
from hotline.routing.desk import RoutingDesk
from hotline.routing.live import line_now
from web.context import unit_in
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import now, posted_form, reading, timezone, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_today", __name__)


@blueprint.get("/")
def today() -> ResponseReturnValue:
    with reading() as session:
        day = load_today(session, now(), timezone())
        line = line_now(session, now())
        flood = protection_state(session)
    flood_said = flood_words(flood, timezone()) if flood.flood_on else None
    return render_template("staff/today.html", day=day, line=line, at=now(), flood_said=flood_said)


@blueprint.get("/line")
def line() -> ResponseReturnValue:
    """The line alone, for the page's own refresh (the page works without it)."""
    with reading() as session:
        current = line_now(session, now())
    return render_template("staff/_line.html", line=current)


@blueprint.post("/duty")
def duty() -> ResponseReturnValue:
    user = current_user()
    if not posted_form():
        return redirect(url_for("staff_today.today"))
    if user.counsellor_id is None:
        flash(TEXTS["not_a_counsellor"], "error")
        return redirect(url_for("staff_today.today"))
    on_duty = request.form.get("on_duty") == "1"
    with transaction() as session:
        switch_duty(session, user.counsellor_id, on_duty, now())
        record(
            session,
            now(),
            user.id,
            AuditAction.CHANGED,
            message=AuditMessage.ON_DUTY if on_duty else AuditMessage.OFF_DUTY,
        )
        _desk(session).distribute()  # one more on duty may take the next in line
    flash(TEXTS["on_duty" if on_duty else "off_duty"])
    return redirect(url_for("staff_today.today"))


@blueprint.post("/ready")
def ready() -> ResponseReturnValue:
    """Ends one's wrap-up early: offered the next caller now."""
    user = current_user()
    if not posted_form():
        return redirect(url_for("staff_today.today"))
    if user.counsellor_id is None:
        flash(TEXTS["not_a_counsellor"], "error")
        return redirect(url_for("staff_today.today"))
    with transaction() as session:
        _desk(session).ready(user.counsellor_id)
    flash(TEXTS["ready"])
    return redirect(url_for("staff_today.today"))


def _desk(session) -> RoutingDesk:  # type: ignore[no-untyped-def]
    return unit_in(session).routing
