"""Admin pages (`/staff/admin/...`): staff accounts, counsellors and duty, and the audit log
(read and filter only: nothing here edits it). The opening hours have their own module,
`admin_hours`."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from hotline.audit.listing import audit_listing
from hotline.audit.log import AuditFilter
from hotline.audit.models import AuditMessage
from hotline.counsellors.listing import counsellor_rows
from hotline.counsellors.service import (
    CounsellorNotFound,
    InvalidDisplayName,
    change_display_name,
    counsellor_with_id,
    switch_duty,
)
from hotline.inputs import (
    Refused,
    bounded_integer_or_none,
    calendar_day,
    checked_text,
)
from hotline.staff.accounts import (
    AccountChange,
    OwnAccountNotDisabled,
    StaffError,
    UnknownAccount,
    add_account,
    change_account,
)
from hotline.staff.models import ROLE_NAMES, StaffRole
from hotline.staff.overview import account_overview
from hotline.texts import words
from scheduling.availability.overview import counsellor_times
from scheduling.availability.service import (
    AbsenceTooFarAhead,
    add_absence,
    latest_absence_day,
    parse_window,
    set_windows,
)
from web.context import unit_in
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import (
    audit_admin,
    now,
    posted_form,
    reading,
    svc,
    timezone,
    transaction,
)
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_admin", __name__)

ACTION_NAMES = words("console.audit_actions")


# --- staff ---------------------------------------------------------------------------------
@blueprint.get("/admin/staff")
@admin_only
def admin_staff() -> ResponseReturnValue:
    with reading() as session:
        overview = account_overview(session, svc().cipher)
    return render_template(
        "staff/admin_staff.html",
        accounts=overview.accounts,
        counsellors=overview.unlinked_counsellors,
        roles=ROLE_NAMES,
    )


@blueprint.post("/admin/staff")
@admin_only
def admin_staff_add() -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_admin.admin_staff"))
    form = request.form
    role = form.get("role", "")
    if role not in ROLE_NAMES:
        abort(400)
    try:
        counsellor_name = checked_text(form.get("counsellor")) or None
    except Refused:
        flash(TEXTS["control_characters"], "error")
        return redirect(url_for("staff_admin.admin_staff"))
    try:
        with transaction() as session:
            account = add_account(
                session,
                svc().cipher,
                now(),
                email=form.get("email", ""),
                role=StaffRole(role),
                password=form.get("password", ""),
                counsellor_name=counsellor_name,
            )
            audit_admin(session, AuditMessage.ACCOUNT_ADDED, id=account.id, role=role)
    except StaffError as why:
        flash(TEXTS["account_not_added"].format(why=why), "error")
        return redirect(url_for("staff_admin.admin_staff"))
    flash(TEXTS["staff_added"])
    return redirect(url_for("staff_admin.admin_staff"))


@blueprint.post("/admin/staff/<id:account_id>/<action>")
@admin_only
def admin_staff_change(account_id: int, action: str) -> ResponseReturnValue:
    if action not in _ACCOUNT_CHANGED:
        abort(404)
    if not posted_form():
        return redirect(url_for("staff_admin.admin_staff"))
    try:
        with transaction() as session:
            change_account(
                session,
                account_id,
                AccountChange(action),
                now(),
                by=current_user().id,
                password=request.form.get("password", ""),
            )
            audit_admin(session, AuditMessage.ACCOUNT_CHANGED, id=account_id, action=action)
    except UnknownAccount:
        abort(404)
    except OwnAccountNotDisabled:
        flash(TEXTS["own_account_not_disabled"], "error")
        return redirect(url_for("staff_admin.admin_staff"))
    except StaffError as why:
        flash(TEXTS["not_changed"].format(why=why), "error")
        return redirect(url_for("staff_admin.admin_staff"))
    flash(TEXTS[_ACCOUNT_CHANGED[action]])
    return redirect(url_for("staff_admin.admin_staff"))


# what the page says after each change (a key of the console's messages)
_ACCOUNT_CHANGED = {
    AccountChange.DISABLE: "staff_disabled",
    AccountChange.ENABLE: "staff_enabled",
    AccountChange.PASSWORD: "password_set",
}


# --- counsellors ---------------------------------------------------------------------------
@blueprint.get("/admin/counsellors")
@admin_only
def admin_counsellors() -> ResponseReturnValue:
    with reading() as session:
        rows = counsellor_rows(session, svc().cipher)
    return render_template("staff/admin_counsellors.html", rows=rows)


@blueprint.post("/admin/counsellors/<id:counsellor_id>/duty")
@admin_only
def admin_counsellor_duty(counsellor_id: int) -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_admin.admin_counsellors"))
    on_duty = request.form.get("on_duty") == "1"
    try:
        with transaction() as session:
            switch_duty(session, counsellor_id, on_duty, now())
            duty = AuditMessage.COUNSELLOR_ON_DUTY if on_duty else AuditMessage.COUNSELLOR_OFF_DUTY
            audit_admin(session, duty, id=counsellor_id)
            unit_in(session).routing.distribute()
    except CounsellorNotFound:
        abort(404)
    flash(TEXTS["saved"])
    return redirect(url_for("staff_admin.admin_counsellors"))


@blueprint.post("/admin/counsellors/<id:counsellor_id>/display-name")
@admin_only
def admin_counsellor_display_name(counsellor_id: int) -> ResponseReturnValue:
    """The name officials see in invitations; an empty field means the first name again."""
    if not posted_form():
        return redirect(url_for("staff_admin.admin_counsellors"))
    typed = request.form.get("display_name", "")
    try:
        with transaction() as session:
            counsellor = counsellor_with_id(session, counsellor_id)
            change_display_name(counsellor, typed if typed.strip(" ") else None, now())
            audit_admin(session, AuditMessage.DISPLAY_NAME_CHANGED, id=counsellor_id)
    except CounsellorNotFound:
        abort(404)
    except InvalidDisplayName:
        flash(TEXTS["display_name_invalid"], "error")
        return redirect(url_for("staff_admin.admin_counsellors"))
    flash(TEXTS["saved"])
    return redirect(url_for("staff_admin.admin_counsellors"))


# --- audit log -----------------------------------------------------------------------------
@blueprint.get("/admin/audit")
@admin_only
def admin_audit() -> ResponseReturnValue:
    args = request.args
    wanted = AuditFilter(
        staff_id=bounded_integer_or_none(args.get("staff")),
        action=args.get("action") if args.get("action") in ACTION_NAMES else None,
    )
    typed_case = args.get("case", "")
    with reading() as session:
        listing = audit_listing(session, svc().cipher, wanted, typed_case=typed_case, limit=500)
    return render_template(
        "staff/admin_audit.html",
        lines=listing.lines,
        who=listing.accounts,
        actions=ACTION_NAMES,
        wanted=wanted,
        typed_case=typed_case,
    )


# --- availability --------------------------------------------------------------------------
@blueprint.get("/admin/counsellors/<id:counsellor_id>/availability")
@admin_only
def admin_availability(counsellor_id: int) -> ResponseReturnValue:
    today = now().astimezone(timezone()).date()
    try:
        with reading() as session:
            times = counsellor_times(session, counsellor_id, today)
    except CounsellorNotFound:
        abort(404)
    return render_template(
        "staff/admin_availability.html",
        name=times.name,
        # as staff type them into the fields: "mon=09:00-12:00 wed=13:00-16:00"
        windows=" ".join(str(w) for w in times.windows),
        arranged=" ".join(str(w) for w in times.arranged),
        absences=times.absences,
    )


@blueprint.post("/admin/counsellors/<id:counsellor_id>/availability")
@admin_only
def admin_availability_change(counsellor_id: int) -> ResponseReturnValue:
    page = url_for("staff_admin.admin_availability", counsellor_id=counsellor_id)
    if not posted_form():
        return redirect(page)
    form = request.form
    try:
        with transaction() as session:
            counsellor_with_id(session, counsellor_id)  # none: no page (before the form)
            if form.get("action") == "absence":
                problem = _note_absence(session, counsellor_id, form)
                if problem is not None:
                    flash(problem, "error")
                    return redirect(page)
                audited = AuditMessage.ABSENCE
            else:
                windows = [parse_window(part) for part in form.get("windows", "").split()]
                arranged = [parse_window(part) for part in form.get("arranged", "").split()]
                set_windows(session, counsellor_id, windows)
                set_windows(session, counsellor_id, arranged, by_arrangement=True)
                audited = AuditMessage.AVAILABILITY
            audit_admin(session, audited, id=counsellor_id)
    except CounsellorNotFound:
        abort(404)
    except ValueError:
        flash(TEXTS["availability_invalid"], "error")
        return redirect(page)
    flash(TEXTS["saved"])
    return redirect(page)


def _note_absence(session: Session, counsellor_id: int, form: Mapping[str, str]) -> str | None:
    """Notes the absence the form asks for: None, or what the page says instead."""
    too_far = TEXTS["absence_too_far"].format(latest=f"{latest_absence_day(now()):%d.%m.%Y}")
    try:
        first, last = calendar_day(form.get("first")), calendar_day(form.get("last"))
    except Refused:
        return too_far
    try:
        note = checked_text(form.get("note"))[:200] or None
    except Refused:
        return TEXTS["control_characters"]
    try:
        add_absence(session, counsellor_id, first, last, now(), note)
    except AbsenceTooFarAhead:
        return too_far
    except ValueError:  # it ends before it begins
        return TEXTS["availability_invalid"]
    return None
