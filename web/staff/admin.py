"""Admin pages (`/staff/admin/...`): staff accounts, counsellors and duty, and the audit log
(read and filter only: nothing here edits it). The opening hours have their own module,
`admin_hours`."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.audit.log import AuditFilter, entries
from hotline.audit.models import AuditMessage
from hotline.cases.listing import find_by_typed_reference
from hotline.cases.models import Case
from hotline.counsellors.models import Counsellor
from hotline.counsellors.service import InvalidDisplayName, change_display_name, set_on_duty
from hotline.inputs import (
    Refused,
    bounded_integer_or_none,
    calendar_day,
    checked_text,
)
from hotline.routing.lock import hold_routing_lock
from hotline.staff.accounts import (
    StaffError,
    add_account,
    disable,
    enable,
    list_accounts,
    reset_password,
)
from hotline.staff.models import ROLE_NAMES, StaffAccount, StaffRole
from hotline.telephony.phone_numbers import mask
from hotline.texts import words
from scheduling.availability.service import (
    AbsenceTooFarAhead,
    absences_of,
    add_absence,
    latest_absence_day,
    parse_window,
    set_windows,
    windows_of,
)
from web.context import unit_in
from web.staff.auth import admin_only, current_user
from web.staff.blueprint import console_blueprint
from web.staff.support import (
    audit_admin,
    now,
    posted_form,
    readable,
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
    cipher = svc().cipher
    with reading() as session:
        linked = dict(
            session.execute(
                select(Counsellor.staff_id, Counsellor.name).where(Counsellor.staff_id.is_not(None))
            ).all()
        )
        accounts = [
            (account, readable(cipher, account.email_encrypted), linked.get(account.id))
            for account in list_accounts(session)
        ]
        counsellors = list(
            session.scalars(
                select(Counsellor.name)
                .where(Counsellor.staff_id.is_(None))
                .order_by(Counsellor.name)
            )
        )
    return render_template(
        "staff/admin_staff.html",
        accounts=accounts,
        counsellors=counsellors,
        roles=ROLE_NAMES,
        at=now(),
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
    if action not in ("disable", "enable", "password"):
        abort(404)
    if not posted_form():
        return redirect(url_for("staff_admin.admin_staff"))
    if action == "disable" and account_id == current_user().id:
        flash(TEXTS["own_account_not_disabled"], "error")
        return redirect(url_for("staff_admin.admin_staff"))
    try:
        with transaction() as session:
            account = session.get(StaffAccount, account_id)
            if account is None:
                abort(404)
            if action == "disable":
                disable(session, account, now())
                message = TEXTS["staff_disabled"]
            elif action == "enable":
                enable(session, account, now())
                message = TEXTS["staff_enabled"]
            else:
                reset_password(session, account, request.form.get("password", ""), now())
                message = TEXTS["password_set"]
            audit_admin(session, AuditMessage.ACCOUNT_CHANGED, id=account_id, action=action)
    except StaffError as why:
        flash(TEXTS["not_changed"].format(why=why), "error")
        return redirect(url_for("staff_admin.admin_staff"))
    flash(message)
    return redirect(url_for("staff_admin.admin_staff"))


# --- counsellors ---------------------------------------------------------------------------
@blueprint.get("/admin/counsellors")
@admin_only
def admin_counsellors() -> ResponseReturnValue:
    cipher = svc().cipher
    with reading() as session:
        rows = [
            (c, readable(cipher, c.phone_encrypted, mask))
            for c in session.scalars(select(Counsellor).order_by(Counsellor.name))
        ]
    return render_template("staff/admin_counsellors.html", rows=rows)


@blueprint.post("/admin/counsellors/<id:counsellor_id>/duty")
@admin_only
def admin_counsellor_duty(counsellor_id: int) -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_admin.admin_counsellors"))
    on_duty = request.form.get("on_duty") == "1"
    with transaction() as session:
        hold_routing_lock(session)  # first: who is on duty decides who is rung
        counsellor = session.get(Counsellor, counsellor_id)
        if counsellor is None:
            abort(404)
        set_on_duty(session, counsellor.name, on_duty, now())
        duty = AuditMessage.COUNSELLOR_ON_DUTY if on_duty else AuditMessage.COUNSELLOR_OFF_DUTY
        audit_admin(session, duty, id=counsellor_id)
        unit_in(session).routing.distribute()
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
            counsellor = session.get(Counsellor, counsellor_id)
            if counsellor is None:
                abort(404)
            change_display_name(counsellor, typed if typed.strip(" ") else None, now())
            audit_admin(session, AuditMessage.DISPLAY_NAME_CHANGED, id=counsellor_id)
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
    cipher = svc().cipher
    with reading() as session:
        case_id = None
        if args.get("case"):
            found = find_by_typed_reference(session, args["case"])
            case_id = found.id if found else -1  # no such case: no entries
        wanted = AuditFilter(
            staff_id=bounded_integer_or_none(args.get("staff")),
            case_id=case_id,
            action=args.get("action") if args.get("action") in ACTION_NAMES else None,
        )
        rows = entries(session, wanted, limit=500)
        references = dict(
            session.execute(
                select(Case.id, Case.reference).where(
                    Case.id.in_({r.case_id for r in rows if r.case_id})
                )
            ).all()
        )
        who = {a.id: readable(cipher, a.email_encrypted) for a in list_accounts(session)}
    return render_template(
        "staff/admin_audit.html",
        rows=rows,
        references=references,
        who=who,
        actions=ACTION_NAMES,
        wanted=wanted,
        typed_case=args.get("case", ""),
    )


# --- availability --------------------------------------------------------------------------
@blueprint.get("/admin/counsellors/<id:counsellor_id>/availability")
@admin_only
def admin_availability(counsellor_id: int) -> ResponseReturnValue:
    today = now().astimezone(timezone()).date()
    with reading() as session:
        counsellor = session.get(Counsellor, counsellor_id)
        if counsellor is None:
            abort(404)
        windows = windows_of(session, counsellor_id)
        arranged = windows_of(session, counsellor_id, by_arrangement=True)
        absences = absences_of(session, counsellor_id, today)
    return render_template(
        "staff/admin_availability.html",
        counsellor=counsellor,
        windows=" ".join(str(w) for w in windows),
        arranged=" ".join(str(w) for w in arranged),
        absences=absences,
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
            if session.get(Counsellor, counsellor_id) is None:
                abort(404)
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
