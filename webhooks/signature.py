"""Every `/twilio/*` request needs a valid `X-Twilio-Signature`; otherwise 403, nothing written.

The signature covers the URL Twilio called, which behind a TLS-terminating proxy is not the
URL Flask sees: we validate against PUBLIC_BASE_URL + path (+ query) instead.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator

from hotline.services import services
from hotline.telephony.urls import TWILIO_PREFIX

log = logging.getLogger(__name__)


def public_url() -> str:
    """The URL as Twilio requested it."""
    base = services().settings.public_base_url
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}?{query}" if query else f"{base}{request.path}"


def has_valid_signature() -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    params = request.form if request.method == "POST" else {}
    validator = RequestValidator(services().settings.twilio_auth_token)
    return validator.validate(public_url(), params, signature)


def reject_unsigned() -> Response | None:
    if not request.path.startswith(TWILIO_PREFIX) or has_valid_signature():
        return None
    log.warning(
        "rejected a request without a valid Twilio signature",
        extra={"path": request.path, "has_signature": "X-Twilio-Signature" in request.headers},
    )
    return Response(
        "Forbidden: missing or invalid X-Twilio-Signature\n", 403, mimetype="text/plain"
    )


def init_app(app: Flask) -> None:
    app.before_request(reject_unsigned)
