"""Voice webhooks: each request of a call becomes one step of a flow.

`/twilio/voice/incoming` is the first step; every later URL the flows name is answered by
the step listed under that path. This module only parses and validates Twilio's request,
hands it to the flow runner inside one idempotent delivery, and renders the answer; any
failure answers with safe TwiML.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Blueprint, Flask, Response, request

from hotline.services import services
from hotline.telephony.models import CallDirection
from hotline.telephony.urls import FALLBACK_PATH, VOICE_PREFIX
from ivr_flows.runner import CallFlowRunner, FlowSettings, StepOutcome, StepRequest
from ivr_flows.step_table import build_step_table
from scheduling.config import SchedulingConfig
from webhooks.context import RUNNER_KEY, flow_runner
from webhooks.deliveries import StoredAnswer, answer_once
from webhooks.twiml import safe_answer, to_response, twiml_answer

log = logging.getLogger(__name__)
blueprint = Blueprint("voice", __name__, url_prefix=VOICE_PREFIX)

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
DIRECTIONS = {direction.value: direction for direction in CallDirection}


@blueprint.route(f"/{FALLBACK_PATH}", methods=["GET", "POST"])
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
    runner = flow_runner()
    step = runner.find(step_path)
    call_sid = request.values.get("CallSid", "")
    if step is None or not call_sid:
        log.error("no step answers this request", extra={"step": step_path, "call_sid": call_sid})
        return safe_answer()
    step_request = _step_request(call_sid, request.values)
    answered: list[StepOutcome] = []

    def run(session, now) -> StoredAnswer:  # type: ignore[no-untyped-def]
        outcome = runner.run(session, now, step, step_request)
        answered.append(outcome)
        return twiml_answer(outcome.twiml)

    try:
        answer = answer_once(services(), request, f"voice/{step_path}", call_sid, run)
    except Exception:
        log.exception("a call step failed", extra={"step": step_path, "call_sid": call_sid})
        return safe_answer(_record_failure(call_sid))
    if answered:  # not a repeat answered from the log
        log.info(
            "call step answered",
            extra={
                "step": step.name,
                "call_sid": call_sid,
                "outcome": answered[-1].effects.outcome,
            },
        )
    return to_response(answer)


def _step_request(call_sid: str, values: Mapping[str, str]) -> StepRequest:
    return StepRequest(
        call_sid=call_sid,
        digits=values.get("Digits"),
        attempt=_attempt(request.args.get("attempt")),
        caller=values.get("From"),
        direction=DIRECTIONS.get(values.get("Direction", "")),
        parent_call_sid=values.get("ParentCallSid") or None,
        params={k: v for k, v in values.items() if k not in NUMBER_PARAMETERS},
    )


def _attempt(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_ATTEMPT)
    except ValueError:
        return 1


def _record_failure(call_sid: str) -> tuple[str, ...]:
    svc = services()
    return flow_runner().record_failure(svc.database, svc.clock.now(), call_sid)


def init_app(app: Flask, scheduling: SchedulingConfig) -> None:
    """Build the step table and the runner once, at app start."""
    svc = services(app)
    settings = svc.settings
    app.extensions[RUNNER_KEY] = CallFlowRunner(
        build_step_table(),
        FlowSettings(
            public_base_url=settings.public_base_url,
            hotline_number=settings.hotline_number,
            contact_email=settings.contact_email,
            hours_config=scheduling.hours,
        ),
        svc.cipher,
    )
    app.register_blueprint(blueprint)
