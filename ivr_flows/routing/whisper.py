"""The counsellor's side: the whisper before the call, and pressing 1 to take it.

A counsellor's phone is rung by the scheduler; when someone (or a mailbox) answers, Twilio
fetches the whisper: which case, which language, "press 1". Only pressing 1 connects, and only
if the caller still waits and no colleague was faster. Anything else lets the call pass, and
the caller keeps waiting while the others ring. Counsellors hear German.
"""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from hotline.inputs import bounded_integer_or_none
from hotline.routing.desk import OfferView, queue_name
from hotline.routing.distributor import WHISPER_PATH
from hotline.routing.models import OPEN_STATES
from ivr_flows.prompts import prompts
from ivr_flows.records import OfferPassed
from ivr_flows.speech import spoken_digits
from ivr_flows.steps import Effects, Leg, Step, StepContext, StepInput, StepResult

ANSWER_PATH = f"{WHISPER_PATH}/answer"
ACCEPT_KEY = "1"
WHISPER_TIMEOUT_SECONDS = 8
COUNSELLOR_LANGUAGE = "de"


def whisper(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(COUNSELLOR_LANGUAGE)
    response = VoiceResponse()
    offer_id = _offer_id(step)
    view = ctx.desk.leg_answered(offer_id, step.call.call_sid) if offer_id else None
    if view is None or not _still_offered(view):
        catalog.say(response, _why_not(view))
        response.hangup()
        return StepResult(response)
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=WHISPER_TIMEOUT_SECONDS,
        action=ctx.url(ANSWER_PATH, offer=offer_id),
        action_on_empty_result=True,
    )
    gather.say(
        catalog.text(
            "whisper.offer",
            reference=spoken_digits(view.case_reference, COUNSELLOR_LANGUAGE)
            if view.case_reference
            else catalog.text("whisper.no_reference"),
            language=catalog.text(f"whisper.language_{view.language}"),
        ),
        language=catalog.say_language,
        voice=catalog.voice,
        loop=2,
    )
    response.append(gather)
    return StepResult(response)


def answer(ctx: StepContext, step: StepInput) -> StepResult:
    catalog = prompts(COUNSELLOR_LANGUAGE)
    response = VoiceResponse()
    offer_id = _offer_id(step)
    pressed = (step.digits or "").strip()
    accepted = ctx.desk.accept(offer_id) if offer_id and pressed == ACCEPT_KEY else None
    if accepted is not None:
        catalog.say(response, "whisper.connecting")
        dial = Dial()
        dial.queue(queue_name(accepted.caller_call_sid))
        response.append(dial)
        return StepResult(response)
    effects = Effects()
    if offer_id and pressed == ACCEPT_KEY:
        catalog.say(response, _why_not(ctx.desk.offer(offer_id)))
    elif offer_id:
        effects = Effects(records=(OfferPassed(offer_id, "other-key" if pressed else "no-key"),))
        catalog.say(response, "whisper.passed")
    response.hangup()
    return StepResult(response, effects)


def _still_offered(view: OfferView) -> bool:
    return view.state in OPEN_STATES and view.caller_waiting


def _why_not(view: OfferView | None) -> str:
    """The catalog key that tells a counsellor why the call is not theirs (any more)."""
    return "whisper.taken" if view is not None and view.caller_connected else "whisper.caller_gone"


def _offer_id(step: StepInput) -> int | None:
    raw = step.params.get("offer", "")
    return bounded_integer_or_none(raw)


STEPS = (
    Step(WHISPER_PATH, whisper, leg=Leg.COUNSELLOR, routes=True),
    Step(ANSWER_PATH, answer, leg=Leg.COUNSELLOR, routes=True),
)
