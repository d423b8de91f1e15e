"""Routing: open → ring the counsellors on duty; closed → the out-of-hours announcement.

Here a plain simultaneous `<Dial>`; the routing issue replaces it with a queue and a whisper.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, VoiceResponse

from hotline.telephony.models import CallOutcome
from ivr_flows.contact import add_contact_details, end_politely
from ivr_flows.out_of_hours import announce_closed
from ivr_flows.prompts import prompts
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult

MAX_PARALLEL_NUMBERS = 10  # Twilio rings at most 10 <Number>s of one <Dial>
CONNECTED_STATUSES = frozenset({"completed", "answered"})


def route(ctx: StepContext, step: StepInput) -> StepResult:
    status = ctx.hours.status_at(ctx.now)
    if not status.is_open:
        return announce_closed(ctx, step.call.language, status, attempt=1)
    return _ring_counsellors(ctx, step)


def _ring_counsellors(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    numbers = list(ctx.counsellor_numbers())[:MAX_PARALLEL_NUMBERS]
    if not numbers:
        catalog.say(response, "connect.nobody_on_duty")
        add_contact_details(response, catalog, ctx.hours_config, ctx.contact_email)
        catalog.say(response, "contact.acute")
        return StepResult(
            end_politely(response, catalog), Effects(outcome=CallOutcome.NOBODY_ON_DUTY)
        )
    catalog.say(response, "connect.connecting")
    dial = Dial(
        action=ctx.url("dial-result"),
        timeout=ctx.ring_timeout_seconds,
        caller_id=ctx.hotline_number,
        answer_on_bridge=True,
    )
    for number in numbers:
        dial.number(
            number,
            status_callback=ctx.status_callback_url,
            status_callback_event="completed",  # its duration says when it was answered
        )
    response.append(dial)
    return StepResult(response)


def dial_result(ctx: StepContext, step: StepInput) -> StepResult:
    """After the `<Dial>`: thank a caller who talked; tell the others honestly what to do."""
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    if step.params.get("CallStatus") == "completed":  # the caller hung up; nobody hears this
        response.hangup()
        return StepResult(response, Effects(outcome=_outcome_after_hangup(step)))
    if step.params.get("DialCallStatus", "") in CONNECTED_STATUSES:
        catalog.say(response, "connect.after_talk")
        response.hangup()
        return StepResult(response, Effects(outcome=CallOutcome.CONNECTED))
    catalog.say(response, "connect.no_answer")
    add_contact_details(response, catalog, ctx.hours_config, ctx.contact_email)
    catalog.say(response, "contact.acute")
    return StepResult(end_politely(response, catalog), Effects(outcome=CallOutcome.NO_ANSWER))


def _outcome_after_hangup(step: StepInput) -> CallOutcome:
    connected = step.params.get("DialCallStatus", "") in CONNECTED_STATUSES
    return CallOutcome.CONNECTED if connected else CallOutcome.HUNG_UP


STEPS = (
    Step("route", route),
    Step("dial-result", dial_result),
)
