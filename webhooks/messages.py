"""Message status callbacks: Twilio reports on an SMS the scheduler sent (`?work=ID`).

Only what the outbox needs is kept: that the message named by the work item went out. The
message's text and number are never stored here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

from hotline.outbox.queue import note_reference
from hotline.services import services
from hotline.telephony.urls import MESSAGE_STATUS_PATH, MESSAGES_PREFIX
from webhooks import parameters
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.observed import name_step
from webhooks.parameters import Rejections
from webhooks.twiml import EMPTY_TWIML, TWIML_TYPE, to_response

log = logging.getLogger(__name__)
blueprint = Blueprint("messages", __name__, url_prefix=MESSAGES_PREFIX)
EMPTY_ANSWER = StoredAnswer(200, EMPTY_TWIML, TWIML_TYPE)


@blueprint.route(f"/{MESSAGE_STATUS_PATH}", methods=["POST"])
def message_status() -> Response:
    name_step("message_status")
    rejections = Rejections()
    message_sid = parameters.sid(request.values, "MessageSid", rejections)
    work_id = parameters.work_item(request.args.get("work"), rejections)
    rejections.log(request.path, None)
    if message_sid is None or work_id is None:
        return to_response(EMPTY_ANSWER)

    def work(session: Session, _now: datetime) -> StoredAnswer:
        note_reference(session, work_id, message_sid)
        return EMPTY_ANSWER

    try:
        return to_response(answer_once(services(), request, "messages/status", None, work))
    except Exception:
        log.exception("a message status callback failed", extra={"work_id": work_id})
        name_step("message_status", "safe")
        return to_response(EMPTY_ANSWER)
