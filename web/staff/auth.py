"""Logging in and out, and who is logged in.

The session cookie (Flask's, signed) holds the account id, the account's session epoch and
when the user was last active. A password reset or disabling raises the epoch, which ends
every session at once; a session idle longer than STAFF_IDLE_MINUTES ends too. Logging in
starts a new session (the old cookie's content is dropped), so a session fixed before login
is worth nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from hotline.audit.log import record
from hotline.audit.models import AuditAction
from hotline.counsellors.models import Counsellor
from hotline.services import services
from hotline.staff.accounts import LoginRefused, log_in
from hotline.staff.models import StaffAccount, StaffRole
from web.security import limiter
from web.staff.blueprint import blueprint
from web.staff.texts import TEXTS

SESSION_KEY = "staff"
DEFAULT_IDLE_MINUTES = 30
OPEN_ENDPOINTS = frozenset({"staff.login"})


@dataclass(frozen=True)
class StaffUser:
    id: int
    role: str
    email: str
    counsellor_id: int | None
    counsellor_name: str | None
    counsellor_on_duty: bool

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN

    @property
    def display_name(self) -> str:
        return self.counsellor_name or self.email


class LoginForm(FlaskForm):
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Passwort", validators=[DataRequired(), Length(max=200)])


def current_user() -> StaffUser:
    return g.staff_user


def admin_only(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return checked


@blueprint.errorhandler(403)
def forbidden(_error: Exception) -> ResponseReturnValue:
    return render_template("staff/forbidden.html"), 403


def _idle_seconds() -> float:
    return float(current_app.config.get("STAFF_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)) * 60


@blueprint.before_request
def require_login() -> ResponseReturnValue | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    svc = services(current_app)
    now = svc.clock.now()
    held = session.get(SESSION_KEY)
    user = None
    if isinstance(held, dict) and now.timestamp() - held.get("seen", 0) <= _idle_seconds():
        with svc.database.reading() as db:
            user = _user(db, svc.cipher, held)
    if user is None:
        expired = held is not None
        session.pop(SESSION_KEY, None)
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("staff.login", next=target, expired=1 if expired else None))
    held["seen"] = int(now.timestamp())
    session.modified = True
    g.staff_user = user
    return None


def _user(db: Any, cipher: Any, held: dict) -> StaffUser | None:
    account = db.get(StaffAccount, held.get("id"))
    if account is None or account.disabled_at is not None:
        return None
    if account.session_epoch != held.get("epoch"):
        return None
    counsellor = db.scalars(
        select(Counsellor).where(Counsellor.staff_id == account.id)
    ).one_or_none()
    return StaffUser(
        id=account.id,
        role=account.role,
        email=cipher.decrypt_or_none(account.email_encrypted) or TEXTS["unreadable"],
        counsellor_id=counsellor.id if counsellor else None,
        counsellor_name=counsellor.name if counsellor else None,
        counsellor_on_duty=bool(counsellor and counsellor.on_duty),
    )


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff/") and not target.startswith("//"):
        return target
    return url_for("staff.today")


def _login_rate() -> str:
    return current_app.config.get("STAFF_LOGIN_RATE", "10 per minute;60 per hour")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, methods=["POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            error = TEXTS["login_form_invalid"]
        else:
            error = _try_login(form.email.data or "", form.password.data or "")
            if error is None:
                return redirect(_safe_next(request.args.get("next")))
        status = 429 if error == TEXTS["login_locked"] else 400
        return render_template("staff/login.html", form=form, error=error), status
    notice = TEXTS["session_expired"] if request.args.get("expired") else None
    return render_template("staff/login.html", form=form, error=None, notice=notice)


def _try_login(email: str, password: str) -> str | None:
    """None when logged in, else what the page says."""
    svc = services(current_app)
    now = svc.clock.now()
    with svc.database.transaction() as db:
        result = log_in(db, email, password, now)
        account = result.account
        if result.refused is not None:
            record(
                db,
                now,
                account.id if account else None,
                AuditAction.LOGIN_FAILED,
                detail=result.refused.value,
            )
        else:
            assert account is not None
            record(db, now, account.id, AuditAction.LOGIN)
            epoch = account.session_epoch
    if result.refused == LoginRefused.LOCKED:
        return TEXTS["login_locked"]
    if result.refused == LoginRefused.DISABLED:
        return TEXTS["login_disabled"]  # said only after the right password
    if result.refused is not None:
        return TEXTS["login_wrong"]  # unknown address or wrong password: the same words
    session.clear()  # a new session at login
    session[SESSION_KEY] = {"id": account.id, "epoch": epoch, "seen": int(now.timestamp())}
    return None


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    form = FlaskForm()
    if form.validate_on_submit():
        svc = services(current_app)
        with svc.database.transaction() as db:
            record(db, svc.clock.now(), current_user().id, AuditAction.LOGOUT)
        session.clear()
        return redirect(url_for("staff.login"))
    abort(400)
