"""Voice webhooks: each request of a call becomes one step of a flow.

`/twilio/voice/incoming` is the first step; every later URL the flows name is answered by
the step listed under that path. This module only validates Twilio's request, hands it to the
flow runner inside one idempotent delivery, and renders the answer. Whatever fails, the caller
hears safe TwiML at once; noting the failure in the database comes after the answer, with a
tight limit, so that a database that hangs never keeps a caller waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, Flask, Response, request
from sqlalchemy.orm import Session

from hotline.services import services
from hotline.telephony.urls import FALLBACK_PATH, VOICE_PREFIX
from ivr_flows.prompts import LANGUAGES
from ivr_flows.runner import CallFlowRunner, FlowSettings, StepOutcome, StepRequest, StepTrace
from ivr_flows.step_table import build_step_table
from scheduling.unit import Units
from webhooks import parameters
from webhooks.context import RUNNER_KEY, flow_runner
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.observed import name_step
from webhooks.parameters import Rejections
from webhooks.twiml import safe_answer, to_response, twiml_answer

log = logging.getLogger(__name__)
blueprint = Blueprint("voice", __name__, url_prefix=VOICE_PREFIX)


@blueprint.route(f"/{FALLBACK_PATH}", methods=["GET", "POST"])
def fallback() -> Response:
    """Twilio's fallback URL: the primary answer failed. Speak at once, from memory."""
    call_sid = parameters.sid(request.values, "CallSid", Rejections())
    name_step("fallback", "safe")
    log.error(
        "twilio used the fallback URL",
        extra={
            "call_sid": call_sid,
            "error_code": request.values.get("ErrorCode", "")[:16],
            "error_url": request.values.get("ErrorUrl", "")[:200],
        },
    )
    return _after_failure(safe_answer(LANGUAGES), call_sid)


@blueprint.route("/<path:step_path>", methods=["GET", "POST"])
def answer_step(step_path: str) -> Response:
    runner = flow_runner()
    step = runner.find(step_path)
    rejections = Rejections()
    step_request = _step_request(request.values, rejections)
    if step is None or step_request is None:
        log.error("no step answers this request", extra={"step": step_path[:120]})
        rejections.log(request.path[:200], None)
        name_step(step.name if step is not None else "unknown", "safe")
        return safe_answer(LANGUAGES)
    call_sid = step_request.call_sid
    name_step(step.name)
    trace = StepTrace()
    answered: list[StepOutcome] = []

    def run(session: Session, now: datetime) -> StoredAnswer:
        outcome = runner.run(session, now, step, step_request, trace)
        answered.append(outcome)
        return twiml_answer(outcome.twiml)

    try:
        answer = answer_once(services(), request, f"voice/{step.path}", call_sid, run)
    except Exception:
        log.exception("a call step failed", extra={"step": step.path, "call_sid": call_sid})
        name_step(step.name, "safe")
        return _after_failure(safe_answer(trace.languages), call_sid)
    rejections.log(request.path, call_sid)
    if answer.repeated:  # its own run was rolled back: the first answer again
        name_step(step.name, "repeat")
    elif answered:
        log.info(
            "call step answered",
            extra={
                "step": step.name,
                "call_sid": call_sid,
                "outcome": answered[-1].effects.outcome,
            },
        )
    return to_response(answer)


def _step_request(values: Mapping[str, str], rejections: Rejections) -> StepRequest | None:
    call_sid = parameters.sid(values, "CallSid", rejections)
    if call_sid is None:
        return None
    return StepRequest(
        call_sid=call_sid,
        digits=parameters.digits(values, rejections),
        attempt=parameters.attempt(request.args.get("attempt")),
        caller=parameters.caller(values, rejections),
        direction=parameters.direction(values, rejections),
        parent_call_sid=parameters.sid(values, "ParentCallSid", rejections),
        params=parameters.flow_parameters(values),
    )


def _after_failure(response: Response, call_sid: str | None) -> Response:
    """Note the failure on the call once the caller has the answer (best effort)."""
    if call_sid:
        svc, runner = services(), flow_runner()
        response.call_on_close(
            lambda: runner.record_failure(svc.database, svc.clock.now(), call_sid)
        )
    return response


def init_app(app: Flask, units: Units) -> None:
    """Build the step table and the runner once, at app start."""
    svc = services(app)
    settings = svc.settings
    app.extensions[RUNNER_KEY] = CallFlowRunner(
        build_step_table(),
        FlowSettings(
            public_base_url=settings.public_base_url,
            hotline_number=settings.hotline_number,
            contact_email=settings.contact_email,
        ),
        units,
    )
    app.register_blueprint(blueprint)
