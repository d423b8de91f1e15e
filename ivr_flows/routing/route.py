"""Routing: open → the caller waits in a queue of their own while counsellors are rung;
closed → the out-of-hours announcement; nobody free → said honestly, with the ways out."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from hotline.routing.desk import queue_name
from hotline.telephony.models import CallOutcome
from ivr_flows.contact import add_contact_details, end_politely, offer_a_callback
from ivr_flows.hours.out_of_hours import announce_closed
from ivr_flows.prompts import prompts
from ivr_flows.routing.waiting import QUEUE_RESULT_PATH, WAIT_PATH
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult


def route(ctx: StepContext, step: StepInput) -> StepResult:
    status = ctx.hours.status_at(ctx.now)
    if not status.is_open:  # nobody new is queued after closing time
        return announce_closed(ctx, step.call.language, status, attempt=1)
    if not ctx.desk.queue_caller(step.call.call_sid):  # in line while anyone is on duty
        return _nobody_on_duty(ctx, step)
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    catalog.say(response, "queue.waiting")
    response.enqueue(
        queue_name(step.call.call_sid),
        wait_url=ctx.url(WAIT_PATH, round=0),
        wait_url_method="POST",
        action=ctx.url(QUEUE_RESULT_PATH),
        method="POST",
    )
    return StepResult(response)


def _nobody_on_duty(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(step.call.language)
    response = VoiceResponse()
    catalog.say(response, "connect.nobody_on_duty")
    offer_a_callback(ctx, catalog, response)
    add_contact_details(response, catalog, ctx.hours_config, ctx.contact_email)
    catalog.say(response, "contact.acute")
    return StepResult(end_politely(response, catalog), Effects(outcome=CallOutcome.NOBODY_ON_DUTY))


STEPS = (Step("route", route, routes=True),)
