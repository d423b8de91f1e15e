"""Protecting the line in the console: "Anrufer sperren" on a case's page (any account),
and for admins `/staff/admin/protection`: flood mode (on since when, how; switched by hand)
and the blocks (listed, lifted). Every change is in the audit log (`hotline.abuse`)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.abuse.blocks import NothingToBlock
from hotline.abuse.bursts import hold_bookings, release_bookings
from hotline.abuse.flood import switch_flood
from hotline.abuse.protection import protection_state
from hotline.abuse.wording import bookings_words, cannot_block, flood_words
from hotline.inputs import Refused, bounded_integer_or_none, checked_text
from web.context import scheduling, unit_in
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import posted_form, reading, timezone, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_protection", __name__)


@blueprint.post("/cases/<reference>/block")
def block_case_caller(reference: str) -> ResponseReturnValue:
    """Anrufer sperren: the number of the case's latest call that showed one."""
    page = url_for("staff_cases.case", reference=reference)
    if not posted_form():
        return redirect(page)
    try:
        reason = checked_text(request.form.get("reason"), multiline=True)
    except Refused:
        flash(TEXTS["control_characters"], "error")
        return redirect(page)
    days = bounded_integer_or_none(request.form.get("days"))
    try:
        with transaction() as session:
            desk = unit_in(session, actor=current_user().id).blocks
            block_id = desk.block_case_caller(reference, days, reason)
            until = desk.expires_at(block_id)
    except NothingToBlock as refused:
        flash(cannot_block(refused, scheduling().abuse.max_block_days), "error")
        return redirect(page)
    flash(TEXTS["caller_blocked"].format(until=until.astimezone(timezone())))
    return redirect(page)


@blueprint.get("/admin/protection")
@admin_only
def admin_protection() -> ResponseReturnValue:
    with reading() as session:
        state = protection_state(session)
        blocks = unit_in(session).blocks.listing(with_ended=request.args.get("ended") == "1")
    return render_template(
        "staff/admin_protection.html",
        flood=state,
        flood_said=flood_words(state, timezone()),
        bookings_said=bookings_words(state, timezone()),
        blocks=blocks,
        with_ended=request.args.get("ended") == "1",
    )


@blueprint.post("/admin/protection/flood")
@admin_only
def admin_flood() -> ResponseReturnValue:
    page = url_for("staff_protection.admin_protection")
    if not posted_form():
        return redirect(page)
    on = request.form.get("on") == "1"
    with transaction() as session:
        unit = unit_in(session)
        changed = switch_flood(session, unit.now, on, by=current_user().id)
    switched = "flood_switched_on" if on else "flood_switched_off"
    flash(TEXTS[switched if changed else "flood_unchanged"])
    return redirect(page)


@blueprint.post("/admin/protection/bookings")
@admin_only
def admin_bookings() -> ResponseReturnValue:
    page = url_for("staff_protection.admin_protection")
    if not posted_form():
        return redirect(page)
    hold = request.form.get("hold") == "1"
    with transaction() as session:
        unit = unit_in(session)
        if hold:
            changed = hold_bookings(session, unit.cipher, unit.now, by=current_user().id)
        else:
            changed = release_bookings(session, unit.now, by=current_user().id)
    switched = "bookings_held" if hold else "bookings_released"
    flash(TEXTS[switched if changed else "flood_unchanged"])
    return redirect(page)


@blueprint.post("/admin/protection/blocks/<id:block_id>/lift")
@admin_only
def admin_lift_block(block_id: int) -> ResponseReturnValue:
    page = url_for("staff_protection.admin_protection")
    if not posted_form():
        return redirect(page)
    with transaction() as session:
        lifted = unit_in(session, actor=current_user().id).blocks.lift(block_id)
    if lifted:
        flash(TEXTS["block_lifted"])
    else:
        flash(TEXTS["block_not_active"], "error")
    return redirect(page)
