"""Who is logged in: the check every console page passes before its view runs, the user it
finds, and the 403 page for a page one's role may not see. Logging in and out are pages of
their own (`login`).

Sessions are held on the server (`hotline.staff.sessions`): Flask's signed cookie carries
only the session's random token. Logout, disabling the account and a password reset end the
row, so a cookie copied before is worth nothing after; a session also ends after the idle
time and after its lifetime (`[console]` in HOTLINE_CONFIG). Logging in starts a new session
(the old cookie's content is dropped and its session ended), so a session fixed before login
is worth nothing.

The hooks here are attached to every console blueprint by `web.staff.blueprint`, which
imports this module: so it makes no blueprint of its own (the login's is in `login`).
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
from sqlalchemy import select

from hotline.counsellors.models import Counsellor
from hotline.services import services
from hotline.staff.models import StaffAccount, StaffRole
from hotline.staff.sessions import SessionLimits, note_seen, open_session
from web.staff.texts import TEXTS

SESSION_KEY = "staff"
LIMITS_KEY = "staff_session_limits"
LOGIN_ENDPOINT = "staff_login.login"
OPEN_ENDPOINTS = frozenset({LOGIN_ENDPOINT})
# requests a page makes by itself (the line refreshing, its script): they keep no session
# from idling out
UNATTENDED_ENDPOINTS = frozenset({"staff_today.line", "staff.static"})


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


def current_user() -> StaffUser:
    return g.staff_user


def admin_only(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return checked


def forbidden(_error: Exception) -> ResponseReturnValue:
    """The console's own page for a page one's role may not see (a console blueprint's 403
    handler)."""
    return render_template("staff/forbidden.html"), 403


def remember_session_limits(app: Flask, limits: SessionLimits) -> None:
    app.extensions[LIMITS_KEY] = limits


def _limits() -> SessionLimits:
    limits: SessionLimits = current_app.extensions[LIMITS_KEY]
    return limits


def require_login() -> ResponseReturnValue | None:
    """A console blueprint's first hook: no page without a live session. Anyone else goes to
    the login (back here after it, for a GET), told so if a session of theirs ended."""
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
            url_for(LOGIN_ENDPOINT, next=target, expired=1 if token is not None else None)
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
