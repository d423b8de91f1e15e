"""The caller's wait: position, the expected wait, hold audio or silence, the callback
offer, and what follows.

Twilio plays the wait URL's TwiML in a loop while the caller is in the queue. Each round here
lasts `message_every_seconds` (the position and, once there is history to go by, about how
many minutes are left; then hold audio or a pause) and redirects to the next round, so every
round has its own URL. Every `callback_offer_every_seconds` a round offers "press 1 for a
callback", at once when the wait looks longer than `max_wait_seconds`; after that the caller
leaves the queue and hears the offer. A callback asked for here keeps the caller's place in
line. The queue's action URL is told how the wait ended (`QueueResult`), and no ending is
left in silence.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.inputs import bounded_integer_or_none
from hotline.routing.waits import minutes_to_say
from hotline.telephony.models import CallOutcome
from ivr_flows.contact import CALLBACK_START, add_contact_details, end_politely, offer_a_callback
from ivr_flows.prompts import PromptCatalog, prompts
from ivr_flows.records import CallbackRequested, CallerLeaves, QueueNoted
from ivr_flows.steps import Effects, Step, StepContext, StepInput, StepResult

WAIT_PATH = "queue/wait"
CHOICE_PATH = "queue/choice"
QUEUE_RESULT_PATH = "queue/result"
CALLBACK_KEY = "1"
MAX_ROUND = 10_000


def wait(ctx: StepContext, step: StepInput) -> StepResult:
    config, desk, call_sid = ctx.routing_config, ctx.desk, step.call.call_sid
    queue_sid = step.params.get("QueueSid")  # Twilio names it on every round
    noted = Effects(records=(QueueNoted(queue_sid),) if queue_sid else ())
    waited = max(_seconds(step.params.get("QueueTime")), desk.waited_seconds(call_sid))
    response = VoiceResponse()
    if waited >= config.max_wait_seconds:
        response.leave()  # the action URL hears "leave" and offers the ways out
        return StepResult(response, noted)
    round_number = _round(step)
    catalog = prompts(step.call.language)
    position = desk.position(call_sid)
    catalog.say(response, "queue.position", position=position)
    expected = desk.estimated_wait(position)
    if expected is not None:
        minutes = minutes_to_say(expected)
        if minutes == 1:
            catalog.say(response, "queue.estimated_wait_one")
        else:
            catalog.say(response, "queue.estimated_wait", minutes=minutes)
    too_long = expected is not None and waited + expected > config.max_wait_seconds
    if (round_number == 0 and too_long) or _offer_due(
        round_number, config.message_every_seconds, config.callback_offer_every_seconds
    ):
        gather = Gather(
            input="dtmf",
            num_digits=1,
            timeout=3,
            action=ctx.url(CHOICE_PATH, round=round_number),
        )
        catalog.say(gather, "queue.callback_offer")
        response.append(gather)
    if config.hold_music_url:
        response.play(config.hold_music_url)
    else:
        response.pause(length=config.message_every_seconds)
    response.redirect(_next_round(ctx, round_number), method="POST")
    return StepResult(response, noted)


def choice(ctx: StepContext, step: StepInput) -> StepResult:
    """A key pressed at the callback offer while waiting."""
    response = VoiceResponse()
    if (step.digits or "").strip() == CALLBACK_KEY:
        response.leave()
        return StepResult(response, Effects(records=(CallbackRequested(),)))
    response.redirect(_next_round(ctx, _round(step)), method="POST")
    return StepResult(response)


def queue_result(ctx: StepContext, step: StepInput) -> StepResult:
    """How the wait ended: every QueueResult Twilio sends has an answer."""
    result = step.params.get("QueueResult", "")
    call_sid, catalog = step.call.call_sid, prompts(step.call.language)
    response = VoiceResponse()
    if result == "bridged":  # talked with a counsellor, who hung up first
        catalog.say(response, "connect.after_talk")
        response.hangup()
        return StepResult(response)
    if result == "hangup":  # the caller is gone; nobody hears this
        response.hangup()
        return StepResult(response, _leaves(CallOutcome.ABANDONED_IN_QUEUE))
    if result in ("leave", "redirected") and ctx.desk.wants_callback(call_sid):
        response.redirect(ctx.url(CALLBACK_START, via="queue"), method="POST")
        return StepResult(response)  # the callback capture, "as soon as possible" = now
    if result in ("leave", "redirected"):
        left = _leaves(CallOutcome.NO_ACCEPT_WITHIN_MAX_WAIT)
        catalog.say(response, "queue.no_accept")
        offer_a_callback(ctx, catalog, response)
    else:  # queue-full, error, system-error, or nothing we know
        left = _leaves(CallOutcome.TECHNICAL_FAILURE)
        catalog.say(response, "queue.failed")
    return StepResult(_ways_out(ctx, catalog, response), left)


def _leaves(outcome: CallOutcome) -> Effects:
    return Effects(records=(CallerLeaves(outcome),))


def _ways_out(ctx: StepContext, catalog: PromptCatalog, response: VoiceResponse) -> VoiceResponse:
    add_contact_details(response, catalog, ctx.hours_config, ctx.contact_email)
    catalog.say(response, "contact.acute")
    return end_politely(response, catalog)


def _next_round(ctx: StepContext, round_number: int) -> str:
    """Each round its own URL: every round is a distinct delivery."""
    return ctx.url(WAIT_PATH, round=round_number + 1)


def _round(step: StepInput) -> int:
    raw = step.params.get("round", "")
    return min(bounded_integer_or_none(raw, least=0, most=99_999) or 0, MAX_ROUND)


def _offer_due(round_number: int, round_seconds: int, every_seconds: int) -> bool:
    """True for the first round after each full `every_seconds` of waiting."""
    if round_number == 0:
        return False
    return (round_number * round_seconds) // every_seconds > (
        (round_number - 1) * round_seconds
    ) // every_seconds


def _seconds(raw: str | None) -> float:
    return float(bounded_integer_or_none(raw, least=0, most=999_999) or 0)


STEPS = (
    Step(WAIT_PATH, wait),
    Step(CHOICE_PATH, choice, routes=True),
    Step(QUEUE_RESULT_PATH, queue_result, routes=True),
)
