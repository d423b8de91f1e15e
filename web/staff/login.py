"""Logging in and out (blueprint `staff_login`): the one console page open without a
session (see `auth.OPEN_ENDPOINTS`), and the form that ends one.

Who is logged in, and the check every other page passes, is `auth`'s."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.metrics import logins_failed
from hotline.services import services
from hotline.staff.accounts import LoginRefused, client_key, log_in
from hotline.staff.models import SessionEnd
from hotline.staff.sessions import end_session, start_session
from hotline.texts import text
from web.security import limiter
from web.staff.auth import LOGIN_ENDPOINT, SESSION_KEY, current_user
from web.staff.blueprint import console_blueprint
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_login", __name__)


class LoginForm(FlaskForm):
    email = EmailField(text("console.login.email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        text("console.login.password"), validators=[DataRequired(), Length(max=200)]
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
    return url_for("staff_today.today")


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
                message=AuditMessage.LOGIN_REFUSED,
                params={"reason": result.refused.value},
            )
        else:
            assert account is not None
            record(db, now, account.id, AuditAction.LOGIN)
            end_session(db, session.get(SESSION_KEY), now, SessionEnd.NEW_LOGIN)
            token = start_session(db, account, now)
    if result.refused is not None:
        logins_failed.labels(result.refused.value).inc()
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
        return redirect(url_for(LOGIN_ENDPOINT))
    abort(400)
