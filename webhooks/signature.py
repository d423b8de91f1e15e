"""Every `/twilio/*` request needs a valid `X-Twilio-Signature`; otherwise 403, nothing written.

The signature covers the URL Twilio called, which behind a TLS-terminating proxy is not the
URL Flask sees: we validate against PUBLIC_BASE_URL + path (+ query) instead. Bodies far
larger than anything Twilio sends are refused (413) before they are read.
"""

from __future__ import annotations

import hmac
import logging

from flask import Flask, Response, current_app, request
from twilio.request_validator import RequestValidator

from hotline.services import services
from hotline.telephony.urls import TWILIO_PREFIX

log = logging.getLogger(__name__)
# Twilio's voice webhooks are a few KiB; anything beyond this is not from Twilio.
MAX_TWILIO_BODY = 64 * 1024
VALIDATOR_KEY = "twilio_request_validator"


def public_url() -> str:
    """The URL as Twilio requested it."""
    base = services().settings.public_base_url
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}?{query}" if query else f"{base}{request.path}"


def has_valid_signature(validator: RequestValidator) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    params = request.form if request.method == "POST" else {}
    url = public_url()
    # The common case costs one HMAC; the library's full check (the URL with and without
    # a port, bodies signed by hash) only runs when that one does not match.
    if hmac.compare_digest(validator.compute_signature(url, params), signature):
        return True
    return validator.validate(url, params, signature)


def reject_unsigned() -> Response | None:
    if not request.path.startswith(TWILIO_PREFIX):
        return None
    request.max_content_length = MAX_TWILIO_BODY
    if has_valid_signature(current_app.extensions[VALIDATOR_KEY]):
        return None
    log.warning(
        "rejected a request without a valid Twilio signature",
        extra={
            "path": request.path[:200],
            "has_signature": "X-Twilio-Signature" in request.headers,
        },
    )
    return Response(
        "Forbidden: missing or invalid X-Twilio-Signature\n", 403, mimetype="text/plain"
    )


def init_app(app: Flask) -> None:
    app.extensions[VALIDATOR_KEY] = RequestValidator(services(app).settings.twilio_auth_token)
    app.before_request(reject_unsigned)
