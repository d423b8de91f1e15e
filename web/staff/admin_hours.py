"""Verwaltung → Öffnungszeiten (`/staff/admin/hours`, admins only): the overrides (Ausnahmen)
of the last weeks, a form to set one from now on, and the configured closures.

An override has an internal note for colleagues, which callers never hear, and optionally an
announcement, which callers hear while it closes the line. The page shows the sentences the
phone line says right now (from the IVR's own catalog and code), so nobody has to guess."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from hotline import sentences
from hotline.audit.models import AuditMessage
from hotline.inputs import Refused, checked_text, local_moment
from hotline.texts import text
from ivr_flows.hours.out_of_hours import why_closed_and_when
from ivr_flows.prompts import LANGUAGES, prompts
from scheduling.hours.opening_hours import ClosedReason
from scheduling.hours.overrides import (
    TEXT_LENGTH,
    InvalidOverrideText,
    OverrideTooFarAhead,
    clear_overrides,
    latest_override_end,
    opening_hours_at,
    recent_overrides,
    set_override,
)
from web.context import scheduling
from web.staff.auth import admin_only
from web.staff.blueprint import console_blueprint
from web.staff.support import (
    audit_admin,
    local_time,
    now,
    posted_form,
    reading,
    timezone,
    transaction,
)
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_admin_hours", __name__)

# what the announcement field's hint shows in its place in the sentence
ANNOUNCEMENT_PLACEHOLDER = text("console.hours.announcement_placeholder")


@blueprint.get("/admin/hours")
@admin_only
def admin_hours() -> ResponseReturnValue:
    at = now()
    config = scheduling().hours
    with reading() as session:
        overrides = recent_overrides(session, at)
        status = opening_hours_at(session, config, at).status_at(at)
    heard_now = {}
    if not status.is_open and status.reason is ClosedReason.OVERRIDE:
        heard_now = {
            lang: " ".join(why_closed_and_when(status, at, lang, tz=config.timezone))
            for lang in LANGUAGES
        }
    return render_template(
        "staff/admin_hours.html",
        overrides=overrides,
        closures=config.closures,
        at=at,
        heard_now=heard_now,
        announced_as=prompts("de").text("closed.override", name=ANNOUNCEMENT_PLACEHOLDER),
        unannounced=prompts("de").text("override.unannounced"),
        text_length=TEXT_LENGTH,
    )


@blueprint.post("/admin/hours")
@admin_only
def admin_hours_change() -> ResponseReturnValue:
    if not posted_form():
        return redirect(url_for("staff_admin_hours.admin_hours"))
    form = request.form
    with transaction() as session:
        if form.get("action") == "clear":
            clear_overrides(session, now())
            audit_admin(session, AuditMessage.OVERRIDES_CLEARED)
            flash(TEXTS["override_cleared"])
            return redirect(url_for("staff_admin_hours.admin_hours"))
        problem = _set_override(session, form)
        if problem is not None:
            flash(problem, "error")
            return redirect(url_for("staff_admin_hours.admin_hours"))
    flash(TEXTS["override_set"])
    return redirect(url_for("staff_admin_hours.admin_hours"))


def _set_override(session: Session, form: Mapping[str, str]) -> str | None:
    """Sets the override the form asks for and notes it in the audit log: None, or what the
    page says instead."""
    too_far = TEXTS["override_too_far"].format(latest=local_time(latest_override_end(now())))
    try:
        note = checked_text(form.get("note"))
        announcement = checked_text(form.get("announcement"))
    except Refused:
        return TEXTS["control_characters"]
    is_open = form.get("is_open") == "1"
    try:
        until = local_moment(form.get("until"), timezone())
        entry = set_override(
            session,
            is_open=is_open,
            until=until,
            note=note,
            announcement=announcement,
            now=now(),
        )
    except InvalidOverrideText as refused:
        return TEXTS[f"override_{refused.field}_{refused.problem}"].format(most=TEXT_LENGTH)
    except (Refused, OverrideTooFarAhead):
        return too_far
    except ValueError:  # not in the future
        return TEXTS["override_in_past"]
    audit_admin(
        session,
        AuditMessage.OVERRIDE_SET,
        state="open" if is_open else "closed",
        until=sentences.local_time(until, timezone()),
        announcement="announced" if entry.announcement else "unannounced",
    )
    return None
