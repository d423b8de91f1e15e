"""What every page of people (not Twilio) gets: CSRF tokens on forms (Flask-WTF), rate limits
(Flask-Limiter), session cookies that stay on this site, and headers that keep tokens in
links out of referrers and caches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from hotline.metrics import rate_limited
from hotline.telephony.urls import TWILIO_PREFIX
from web.context import scheduling

csrf = CSRFProtect()
# Per client address. Storage is per process (memory://) unless RATELIMIT_STORAGE_URI names a
# shared one (redis://): with several web processes on memory:// each counts on its own, which
# production refuses (hotline.config.refuse_per_process_rate_limits, from gunicorn.conf.py).
_SCOPES = ("booking", "manage")  # the shared budgets below; the login's is its endpoint's


def _count_refusal(refused: RequestLimit) -> None:
    """`hotline_rate_limited_total{scope}`: which budget ran out (never whose)."""
    scope = next((name for name in _SCOPES if f"/{name}/" in refused.key), None)
    if scope is None:
        scope = "login" if "staff_login.login" in refused.key else "other"
    rate_limited.labels(scope).inc()


limiter = Limiter(key_func=get_remote_address, default_limits=[], on_breach=_count_refusal)


def _bookings_per_client() -> str:
    """`[appointments] bookings_per_client`, read per request (the config is the app's)."""
    return scheduling().appointments.bookings_per_client


def booking_limit() -> Callable:
    """One budget per client for booking, whether through the page or the API."""
    return limiter.shared_limit(_bookings_per_client, scope="booking")


def manage_limit() -> Callable:
    """One budget per client for moving, cancelling and adding an address, on the manage
    pages of appointments and callbacks alike."""
    return limiter.shared_limit(_bookings_per_client, scope="manage")


_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def init_app(
    app: Flask,
    *,
    production: bool,
    ratelimit_storage_uri: str,
    ratelimit_key_prefix: str = "",
    trusted_proxies: int,
) -> None:
    if trusted_proxies:
        # behind a reverse proxy every client would share its address, and so one rate
        # limit; the address it adds to X-Forwarded-For is the client's
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies
        )
    app.config.update(
        RATELIMIT_STORAGE_URI=ratelimit_storage_uri,
        RATELIMIT_KEY_PREFIX=ratelimit_key_prefix,
        # the shared store unreachable: each process counts on its own until it answers again
        # (checked every few seconds) rather than a 500 on the booking page and the login
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=not ratelimit_storage_uri.startswith("memory://"),
        # forms check their own token (FlaskForm.validate_on_submit); the JSON API and the
        # webhooks carry no cookie and are not open to cross-site form posts
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(_page_headers)


def limit_only(app: Flask, blueprint_names: Iterable[str]) -> None:
    """Flask-Limiter hooks itself into every request; the webhooks (every step of every call)
    have no limit and should not pay for looking. Its three hooks move to the blueprints
    that have limits (called once those are registered)."""
    hooks = (
        (app.before_request_funcs, limiter._check_request_limit),
        (app.after_request_funcs, _limiter_hook(app.after_request_funcs)),
        (app.teardown_request_funcs, _limiter_hook(app.teardown_request_funcs)),
    )
    for table, hook in hooks:
        table[None].remove(hook)
        for name in blueprint_names:
            table.setdefault(name, []).append(hook)


def _limiter_hook(table: dict[str | None, list[Callable[..., Any]]]) -> Callable[..., Any]:
    """The hook Flask-Limiter added to `table` (its header injection or its clean-up)."""
    (hook,) = [
        hook
        for hook in table[None]
        if getattr(hook, "__self__", None) is limiter
        or (isinstance(hook, partial) and limiter in hook.args)
    ]
    return hook


def _page_headers(response: Response) -> Response:
    if request.path.startswith(TWILIO_PREFIX):
        return response
    for name, value in _PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    # links holding a secret, the API's answers, and every console page (cases, names,
    # numbers): kept in no cache, the browser's included (a shared computer's back button)
    if request.path.startswith(("/termin/", "/rueckruf/", "/kalender/", "/api/", "/staff/")):
        response.headers["Cache-Control"] = "no-store"
    return response
