"""TwiML answers, and the one place that turns a failure into safe TwiML for the caller."""

from __future__ import annotations

import logging

from flask import Response

from ivr_flows.failure import safe_twiml
from ivr_flows.prompts import LANGUAGES
from webhooks.context import flow_runner
from webhooks.deliveries import StoredAnswer

log = logging.getLogger(__name__)
TWIML_TYPE = "text/xml; charset=utf-8"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def twiml_answer(twiml: object, status: int = 200) -> StoredAnswer:
    return StoredAnswer(status, str(twiml), TWIML_TYPE)


def to_response(answer: StoredAnswer) -> Response:
    return Response(answer.body, answer.status, content_type=answer.content_type)


def safe_answer(languages: tuple[str, ...] = LANGUAGES) -> Response:
    """Apology, opening hours and e-mail address: what a caller hears whenever something broke."""
    runner = flow_runner()
    twiml = safe_twiml(runner.scheduling.hours, runner.settings.contact_email, languages)
    return to_response(twiml_answer(twiml))
