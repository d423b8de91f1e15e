"""`<Dial>`: ring the nouns, report each leg's status callbacks, then the action or next verb.

The caller decides the outcome. When several nouns ring at once, the first answers a
"completed" dial and Twilio cancels the others; otherwise every leg ends the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.documents import text_of
from hotline.simulator.prompts import DialPrompt, DialTarget, check_dial_outcome
from hotline.simulator.session import CallSession, Fetch, Finish, Step, new_sid
from hotline.simulator.transcript import EndedBy, EventKind

BRIDGED_CALL_SECONDS = 60  # simulated length of a conversation with a counsellor
NOT_RECORDING = frozenset({"do-not-record", "false"})
# Events of a leg by its final status; "answered" is reported as CallStatus "in-progress".
LEG_EVENTS = {
    "completed": ("initiated", "ringing", "answered", "completed"),
    "no-answer": ("initiated", "ringing", "completed"),
    "canceled": ("initiated", "ringing", "completed"),
    "busy": ("initiated", "completed"),
    "failed": ("initiated", "completed"),
}
EVENT_STATUS = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress"}


def dial(session: CallSession, element: Element, document_url: str) -> Step | None:
    prompt = dial_prompt(session, element, document_url)
    if prompt.record is not None and prompt.record.lower() not in NOT_RECORDING:
        session.emit(EventKind.WARNING, f'<Dial record="{prompt.record}">: call would be recorded')
    session.emit(EventKind.DIAL, dial=prompt)
    outcome = session.caller.dial_outcome(prompt)
    check_dial_outcome(outcome)
    leg_sids = [new_sid("CA") for _ in prompt.targets] or [new_sid("CA")]
    for index, target in enumerate(prompt.targets):
        status = "canceled" if outcome == "completed" and index > 0 else outcome
        _run_leg(session, prompt, target, leg_sids[index], status)
    bridged = BRIDGED_CALL_SECONDS if outcome == "completed" else 0
    session.spend(bridged + (prompt.timeout if outcome == "no-answer" else 0))
    session.emit(EventKind.DIAL_RESULT, outcome, dial_call_sid=leg_sids[0])
    if prompt.action is not None:
        result = {
            "DialCallStatus": outcome,
            "DialCallSid": leg_sids[0],
            "DialCallDuration": str(bridged),
        }
        if outcome == "canceled":  # caller hung up while ringing: Twilio reports, then ends
            session.send(prompt.method, prompt.action, session.call_params(result))
            return Finish(EndedBy.CALLER)
        return Fetch(prompt.method, prompt.action, result)
    return Finish(EndedBy.CALLER) if outcome == "canceled" else None


def dial_prompt(session: CallSession, element: Element, document_url: str) -> DialPrompt:
    def resolve(url: str | None) -> str | None:
        return urljoin(document_url, url) if url else None

    targets = tuple(_target(child, resolve) for child in element)
    bare = text_of(element) if not targets else ""
    if bare:
        targets = (DialTarget("number", bare),)
    return DialPrompt(
        targets=targets,
        action=resolve(element.get("action")),
        method=element.get("method", "POST").upper(),
        timeout=session.int_attribute(element, "timeout", 30),
        caller_id=element.get("callerId"),
        record=element.get("record"),
    )


def _target(noun: Element, resolve: Callable[[str | None], str | None]) -> DialTarget:
    events = noun.get("statusCallbackEvent", "").replace(",", " ").split()
    return DialTarget(
        kind=noun.tag.lower(),
        value=text_of(noun),
        url=resolve(noun.get("url")),
        method=noun.get("method", "POST").upper(),
        status_callback=resolve(noun.get("statusCallback")),
        status_callback_events=tuple(events),
        status_callback_method=noun.get("statusCallbackMethod", "POST").upper(),
        machine_detection=noun.get("machineDetection"),
    )


def _run_leg(
    session: CallSession, prompt: DialPrompt, target: DialTarget, sid: str, status: str
) -> None:
    """The outbound-dial leg: whisper URL when answered, then its status callbacks."""
    if status == "completed" and target.url:
        params = _leg_params(session, prompt, target, sid)
        if target.machine_detection:  # what Twilio's answering-machine detection heard
            params["AnsweredBy"] = getattr(session.caller, "answered_by", "human")
        reply = session.send(target.method, target.url, params)
        session.emit(EventKind.WHISPER, url=target.url, status=str(reply.status if reply else 0))
    if not target.status_callback:
        return
    wanted = set(target.status_callback_events) | {"completed"}  # the final one is always sent
    sent = 0
    for event in LEG_EVENTS[status]:
        if event not in wanted:
            continue
        extra = {
            "CallStatus": EVENT_STATUS.get(event, status),
            "SequenceNumber": str(sent),
            "Timestamp": session.timestamp(),
            "CallbackSource": "call-progress-events",
        }
        if event == "completed":
            extra["CallDuration"] = str(BRIDGED_CALL_SECONDS if status == "completed" else 0)
        params = _leg_params(session, prompt, target, sid) | extra
        session.send(target.status_callback_method, target.status_callback, params)
        session.emit(EventKind.LEG_STATUS, extra["CallStatus"], url=target.status_callback)
        sent += 1


def _leg_params(
    session: CallSession, prompt: DialPrompt, target: DialTarget, sid: str
) -> dict[str, str]:
    parent = session.call_params()
    caller_id = prompt.caller_id or parent["From"]
    return parent | {
        "CallSid": sid,
        "ParentCallSid": session.identity.call_sid,
        "From": caller_id,
        "Caller": caller_id,
        "To": target.value,
        "Called": target.value,
        "Direction": "outbound-dial",
        "CallStatus": "in-progress",
    }
