"""Voice webhooks: each request of a call becomes one step of a flow.

`/twilio/voice/incoming` is the first step; every later URL the flows name is answered by
the step registered under that path. Any failure inside a step answers with safe TwiML.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

import ivr_flows.out_of_hours
import ivr_flows.routing  # noqa: F401 - importing registers the steps
from hotline.call_state import (
    CallSnapshot,
    call_for_step,
    call_snapshot,
    case_for_call,
    register_inbound_call,
    update_call,
)
from hotline.cases import find_case
from hotline.counsellors import numbers_on_duty
from hotline.models import CallOutcome
from hotline.services import Services, services
from ivr_flows.intake import greeting
from ivr_flows.prompts import LANGUAGES
from ivr_flows.steps import CallState, Record, Step, StepContext, StepInput, find_step
from scheduling.overrides import opening_hours_at
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.twiml import safe_answer, to_response, twiml_answer

log = logging.getLogger(__name__)
blueprint = Blueprint("voice", __name__, url_prefix="/twilio/voice")

# Parameters that carry phone numbers never reach a flow.
NUMBER_PARAMETERS = frozenset(
    {"From", "To", "Caller", "Called", "ForwardedFrom", "CallerName", "StirVerstat"}
    | {
        f"{side}{part}"
        for side in ("From", "To", "Caller", "Called")
        for part in ("City", "State", "Zip", "Country")
    }
)
MAX_ATTEMPT = 10


@blueprint.route("/fallback", methods=["GET", "POST"])
def fallback() -> Response:
    """Twilio's fallback URL: the primary answer failed; always speak, never fail."""
    call_sid = request.values.get("CallSid", "")
    log.error(
        "twilio used the fallback URL",
        extra={
            "call_sid": call_sid,
            "error_code": request.values.get("ErrorCode", ""),
            "error_url": request.values.get("ErrorUrl", ""),
        },
    )
    return safe_answer(_record_failure(call_sid))


@blueprint.route("/<path:step_path>", methods=["GET", "POST"])
def answer_step(step_path: str) -> Response:
    svc = services()
    call_sid = request.values.get("CallSid", "")
    step = find_step(step_path)
    if step is None or not call_sid:
        log.error("no step answers this request", extra={"step": step_path, "call_sid": call_sid})
        return safe_answer()
    values = request.values
    try:
        answer = answer_once(
            svc,
            request,
            endpoint=f"voice/{step_path}",
            call_sid=call_sid,
            work=lambda session, now: _run_step(svc, session, now, step, call_sid, values),
        )
    except Exception:
        log.exception("a call step failed", extra={"step": step_path, "call_sid": call_sid})
        return safe_answer(_record_failure(call_sid))
    return to_response(answer)


def _run_step(
    svc: Services,
    session: Session,
    now: datetime,
    step: Step,
    call_sid: str,
    values: Mapping[str, str],
) -> StoredAnswer:
    if step is greeting:
        call = register_inbound_call(session, call_sid, values.get("From"), svc.cipher, now)
    else:
        call = call_for_step(session, call_sid, now)
    result = step(_context(svc, session, now), _step_input(call, values))
    _apply(session, call, result.record, now)
    log.info(
        "call step answered",
        extra={"step": step.__name__, "call_sid": call_sid, "outcome": result.record.outcome},
    )
    return twiml_answer(result.twiml)


def _context(svc: Services, session: Session, now: datetime) -> StepContext:
    settings = svc.settings
    return StepContext(
        now=now,
        load_hours=lambda: opening_hours_at(session, svc.hours_config, now),
        hours_config=svc.hours_config,
        public_base_url=settings.public_base_url,
        hotline_number=settings.hotline_number,
        contact_email=settings.contact_email,
        case_exists=lambda reference: find_case(session, reference) is not None,
        counsellor_numbers=lambda: numbers_on_duty(session, svc.cipher),
    )


def _step_input(call: CallSnapshot, values: Mapping[str, str]) -> StepInput:
    state = CallState(
        call_sid=call.call_sid,
        language=call.language,
        caller_withheld=call.caller_withheld,
        case_reference=call.case_reference,
    )
    return StepInput(
        call=state,
        digits=values.get("Digits"),
        attempt=_attempt(request.args.get("attempt")),
        params={k: v for k, v in values.items() if k not in NUMBER_PARAMETERS},
    )


def _attempt(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_ATTEMPT)
    except ValueError:
        return 1


def _apply(session: Session, call: CallSnapshot, record: Record, now: datetime) -> None:
    fields: dict[str, object] = {}
    if record.language in LANGUAGES and record.language != call.language:
        fields["language"] = record.language
    if (record.link_case_reference or record.open_new_case) and call.case_id is None:
        fields["case_id"] = case_for_call(session, record.link_case_reference, now).id
    if record.outcome is not None:
        fields["outcome"] = record.outcome
    update_call(session, call.call_sid, **fields)


def _record_failure(call_sid: str) -> tuple[str, ...]:
    """Mark the call as failed and return its language for the apology (both if unknown)."""
    if not call_sid:
        return LANGUAGES
    try:
        with services().database.transaction() as session:
            known = call_snapshot(session, call_sid)
            call = known or call_for_step(session, call_sid, services().clock.now())
            update_call(session, call.call_sid, outcome=CallOutcome.TECHNICAL_FAILURE)
            return (call.language,) if known else LANGUAGES
    except Exception:
        log.exception("could not record the failure", extra={"call_sid": call_sid})
        return LANGUAGES
