"""Logging in and out, and who is logged in.

Sessions are held on the server (`hotline.staff.sessions`): Flask's signed cookie carries
only the session's random token. Logout, disabling the account and a password reset end the
row, so a cookie copied before is worth nothing after; a session also ends after the idle
time and after its lifetime (`[console]` in HOTLINE_CONFIG). Logging in starts a new session
(the old cookie's content is dropped and its session ended), so a session fixed before login
is worth nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from hotline.audit.log import record
from hotline.audit.models import AuditAction
from hotline.counsellors.models import Counsellor
from hotline.services import services
from hotline.staff.accounts import LoginRefused, client_key, log_in
from hotline.staff.models import SessionEnd, StaffAccount, StaffRole
from hotline.staff.sessions import (
    SessionLimits,
    end_session,
    note_seen,
    open_session,
    start_session,
)
from web.security import limiter
from web.staff.blueprint import blueprint
from web.staff.texts import TEXTS

SESSION_KEY = "staff"
LIMITS_KEY = "staff_session_limits"
OPEN_ENDPOINTS = frozenset({"staff.login"})
# requests a page makes by itself (the line refreshing): they keep no session from idling out
UNATTENDED_ENDPOINTS = frozenset({"staff.line", "staff.static"})


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


def remember_session_limits(app: Flask, limits: SessionLimits) -> None:
    app.extensions[LIMITS_KEY] = limits


def _limits() -> SessionLimits:
    limits: SessionLimits = current_app.extensions[LIMITS_KEY]
    return limits


@blueprint.before_request
def require_login() -> ResponseReturnValue | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    svc = services(current_app)
    now = svc.clock.now()
    token = session.get(SESSION_KEY)
    user = None
    if token is not None:
        with svc.database.reading() as db:
            held = open_session(db, token, now, _limits())
            user = _user(db, svc.cipher, held.account) if held else None
        attended = request.endpoint not in UNATTENDED_ENDPOINTS
        if held is not None and attended and held.needs_noting(now):
            with svc.database.transaction() as db:
                note_seen(db, held.id, now)
    if user is None:
        session.pop(SESSION_KEY, None)
        target = request.full_path if request.method == "GET" else None
        return redirect(
            url_for("staff.login", next=target, expired=1 if token is not None else None)
        )
    g.staff_user = user
    return None


def _user(db: Any, cipher: Any, account: StaffAccount) -> StaffUser:
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
    """A console page to go back to after logging in; anything else (another site, a
    control character such as CR/LF, which no Location header may hold) opens the start."""
    if (
        target
        and target.startswith("/staff/")
        and not target.startswith("//")
        and target.isprintable()
    ):
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
    client = client_key(svc.settings.secret_key, get_remote_address() or "")
    with svc.database.transaction() as db:
        result = log_in(db, email, password, now, client=client)
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
            end_session(db, session.get(SESSION_KEY), now, SessionEnd.NEW_LOGIN)
            token = start_session(db, account, now)
    if result.refused == LoginRefused.LOCKED:
        return TEXTS["login_locked"]
    if result.refused == LoginRefused.DISABLED:
        return TEXTS["login_disabled"]  # said only after the right password
    if result.refused is not None:
        return TEXTS["login_wrong"]  # unknown address or wrong password: the same words
    session.clear()  # a new session at login
    session[SESSION_KEY] = token
    return None


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    form = FlaskForm()
    if form.validate_on_submit():
        svc = services(current_app)
        now = svc.clock.now()
        with svc.database.transaction() as db:
            end_session(db, session.get(SESSION_KEY), now, SessionEnd.LOGOUT)
            record(db, now, current_user().id, AuditAction.LOGOUT)
        session.clear()
        return redirect(url_for("staff.login"))
    abort(400)
