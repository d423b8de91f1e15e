"""Every Twilio webhook counted and timed for `/metrics`: by step (the flow step's name,
`status`, `message_status`, `fallback`) and by answer:

- `ok`: the flow's own answer;
- `repeat`: a retried delivery, answered again from the log;
- `safe`: something failed and the caller heard the safe answer (also every use of Twilio's
  fallback URL, which Twilio calls when our answer did not reach it);
- `rejected`: refused (no valid signature, a request no step answers);
- `error`: a 5xx.

The path of a request that no step answers is never a label (anyone can make one up).
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from hotline.metrics import webhook_duration
from hotline.telephony.urls import TWILIO_PREFIX

UNKNOWN_STEP = "unknown"


def name_step(step: str, answer: str | None = None) -> None:
    """Called by a webhook view: which step answered, and how if not plainly (`repeat`,
    `safe`)."""
    g.webhook_step = step
    if answer is not None:
        g.webhook_answer = answer


def _start() -> None:
    if request.path.startswith(TWILIO_PREFIX):
        g.webhook_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("webhook_started", None)
    if started is None:
        return response
    step = g.get("webhook_step", UNKNOWN_STEP)
    webhook_duration.labels(step, _answer_class(response.status_code)).observe(
        time.perf_counter() - started
    )
    return response


def _answer_class(status: int) -> str:
    if status >= 500:
        return "error"
    if status >= 400:
        return "rejected"
    return g.get("webhook_answer", "ok")


def init_app(app: Flask) -> None:
    """Before the signature check, so that refused requests are timed too."""
    app.before_request(_start)
    app.after_request(_observe)
