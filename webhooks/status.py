"""Call status callbacks, for inbound calls and every leg the service rings or places.

Idempotent per delivery and tolerant of any order: a late "ringing" never undoes "completed".
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import parsedate_to_datetime

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

from hotline.services import services
from hotline.telephony.call_log import StatusReport, record_status
from hotline.telephony.urls import STATUS_PATH, VOICE_PREFIX
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.twiml import EMPTY_TWIML, TWIML_TYPE, to_response

log = logging.getLogger(__name__)
blueprint = Blueprint("status", __name__, url_prefix=VOICE_PREFIX)


@blueprint.route(f"/{STATUS_PATH}", methods=["GET", "POST"])
def call_status() -> Response:
    values = request.values
    call_sid, status = values.get("CallSid", ""), values.get("CallStatus", "")
    if not call_sid or not status:
        return Response("CallSid and CallStatus are required\n", 400, mimetype="text/plain")
    svc = services()

    def work(session: Session, now: datetime) -> StoredAnswer:
        report = StatusReport(
            call_sid=call_sid,
            status=status,
            at=_twilio_timestamp(values.get("Timestamp")) or now,
            parent_call_sid=values.get("ParentCallSid") or None,
            direction=values.get("Direction") or None,
            sequence_number=_integer(values.get("SequenceNumber")),
            duration_seconds=_integer(values.get("CallDuration")),
        )
        call = record_status(session, report)
        log.info(
            "call status",
            extra={"call_sid": call_sid, "reported": status, "status": call.status},
        )
        return StoredAnswer(200, EMPTY_TWIML, TWIML_TYPE)

    try:
        answer = answer_once(svc, request, "voice/status", call_sid, work)
    except Exception:
        log.exception("a status callback failed", extra={"call_sid": call_sid})
        # No caller hears this answer. Twilio retries only with connection overrides (#rc=...)
        # in the callback URL; otherwise the update is lost, and the error is in the log.
        return Response(EMPTY_TWIML, 503, content_type=TWIML_TYPE)
    return to_response(answer)


def _twilio_timestamp(raw: str | None) -> datetime | None:
    """Twilio sends RFC 2822 dates ("Thu, 26 Nov 2026 09:00:00 +0000")."""
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else None


def _integer(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None
