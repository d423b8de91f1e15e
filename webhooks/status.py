"""Call status callbacks, for inbound calls and every leg the service rings or places.

Idempotent per delivery and tolerant of any order: a late "ringing" never undoes "completed".
Every value is validated first (`webhooks.parameters`); what is implausible is ignored and the
rest recorded. Nobody hears this answer, so it is always an empty, well-formed TwiML document.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

from hotline.outbox.queue import note_reference
from hotline.routing.lock import hold_routing_lock
from hotline.services import services
from hotline.telephony.call_log import StatusReport, record_status
from hotline.telephony.legs import LegOwner
from hotline.telephony.statuses import TERMINAL_STATUSES
from hotline.telephony.urls import STATUS_PATH, VOICE_PREFIX
from scheduling.unit import Unit
from webhooks import parameters
from webhooks.context import flow_runner
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.observed import name_step
from webhooks.parameters import Rejections
from webhooks.twiml import EMPTY_TWIML, TWIML_TYPE, to_response

log = logging.getLogger(__name__)
blueprint = Blueprint("status", __name__, url_prefix=VOICE_PREFIX)
EMPTY_ANSWER = StoredAnswer(200, EMPTY_TWIML, TWIML_TYPE)


@blueprint.route(f"/{STATUS_PATH}", methods=["GET", "POST"])
def call_status() -> Response:
    name_step("status")
    values = request.values
    rejections = Rejections()
    call_sid = parameters.sid(values, "CallSid", rejections)
    status = parameters.call_status(values, rejections)
    if not call_sid or not status:
        rejections.log(request.path, call_sid)
        return Response("CallSid and CallStatus are required\n", 400, mimetype="text/plain")
    svc = services()
    units = flow_runner().units

    work_id = parameters.work_item(request.args.get("work"), rejections)
    owner = parameters.leg_owner(request.args.get("leg"), rejections)
    reported: list[str] = []

    def work(session: Session, now: datetime) -> StoredAnswer:
        report = StatusReport(
            call_sid=call_sid,
            status=status,
            at=parameters.timestamp(values, now, rejections) or now,
            parent_call_sid=parameters.sid(values, "ParentCallSid", rejections),
            direction=parameters.direction(values, rejections),
            sequence_number=parameters.bounded_integer(
                values, "SequenceNumber", parameters.MAX_SEQUENCE_NUMBER, rejections
            ),
            duration_seconds=parameters.bounded_integer(
                values, "CallDuration", parameters.MAX_DURATION_SECONDS, rejections
            ),
        )
        hold_routing_lock(session)  # first: a leg's or a caller's end frees a counsellor
        reported.append(record_status(session, report))
        unit = units.within(session, now=now)
        desk = unit.routing
        if work_id is not None:  # a call the scheduler placed: its attempt went out
            if not _leg_reported(unit, owner, work_id, call_sid, status):
                note_reference(session, work_id, call_sid)
        elif status in TERMINAL_STATUSES:
            desk.call_ended(call_sid)  # a caller's call: legs still ringing end, queue deleted
            unit.callbacks.forget_drafts(call_sid)  # no time chosen: no number kept
        return EMPTY_ANSWER

    try:
        answer = answer_once(svc, request, "voice/status", call_sid, work)
    except Exception:
        # Twilio does not retry a status callback (unless its URL carries connection
        # overrides): the update is lost, and the log says which call it was.
        log.exception("a status callback failed", extra={"call_sid": call_sid})
        name_step("status", "safe")
        return to_response(EMPTY_ANSWER)
    rejections.log(request.path, call_sid)
    if answer.repeated:
        name_step("status", "repeat")
    elif reported:
        log.info(
            "call status", extra={"call_sid": call_sid, "reported": status, "status": reported[-1]}
        )
    return to_response(answer)


def _leg_reported(
    unit: Unit, owner: LegOwner | None, work_id: int, leg_sid: str, status: str
) -> bool:
    """Hand a placed leg's report to the domain its URL names (rows queued before legs
    named their owner are offered to both); False when it rang for neither."""
    if owner in (LegOwner.OFFER, None) and unit.routing.leg_status(work_id, leg_sid, status):
        return True
    if owner in (LegOwner.CALLBACK, None) and unit.placement.ring_status(work_id, leg_sid, status):
        if status in TERMINAL_STATUSES:
            unit.routing.distribute()  # the counsellor of a callback may be free again
        return True
    return False
