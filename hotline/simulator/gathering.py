"""`<Gather>`: hear the nested prompts, take the caller's keys, submit them like Twilio."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.audio import hear
from hotline.simulator.documents import text_of
from hotline.simulator.prompts import GatherPrompt
from hotline.simulator.session import CallSession, Fetch, Finish, Step
from hotline.simulator.transcript import EndedBy, EventKind


@dataclass(frozen=True)
class KeyInput:
    digits: str
    finished_on_key: str  # the finishOnKey pressed, "" when numDigits or the timeout ended input
    timed_out: bool


def collect_digits(keys: str | None, num_digits: int | None, finish_on_key: str) -> KeyInput:
    """Digits as Twilio submits them: up to finishOnKey (excluded) or numDigits, else timeout."""
    digits = ""
    for key in keys or "":
        if finish_on_key and key == finish_on_key:
            return KeyInput(digits, key, timed_out=False)
        digits += key
        if num_digits is not None and len(digits) >= num_digits:
            return KeyInput(digits, "", timed_out=False)
    return KeyInput(digits, "", timed_out=True)


def gather(session: CallSession, element: Element, document_url: str) -> Step | None:
    for child in element:
        if session.caller.hangs_up():
            return Finish(EndedBy.CALLER)
        hear(session, child, document_url)
    prompt = gather_prompt(session, element, document_url)
    session.emit(EventKind.GATHER, url=prompt.action, gather=prompt)
    keys = None
    if "dtmf" in prompt.input.split():
        keys = session.caller.keys_for(prompt)
    else:
        session.emit(EventKind.UNSUPPORTED, f'<Gather input="{prompt.input}">', verb="Gather")
    if session.caller.hangs_up():
        return Finish(EndedBy.CALLER)
    entered = collect_digits(keys, prompt.num_digits, prompt.finish_on_key)
    if entered.timed_out:
        session.spend(prompt.timeout)
    session.emit(
        EventKind.KEYS,
        entered.digits,
        finished_on_key=entered.finished_on_key,
        timed_out=str(entered.timed_out).lower(),
    )
    if not entered.digits and not prompt.action_on_empty_result:
        return None  # Twilio falls through to the next verb
    params = {"Digits": entered.digits, "FinishedOnKey": entered.finished_on_key}
    return Fetch(prompt.method, prompt.action, params)


def gather_prompt(session: CallSession, element: Element, document_url: str) -> GatherPrompt:
    """The `<Gather>`'s attributes with Twilio's defaults; action defaults to this document."""
    num_digits = session.int_attribute(element, "numDigits", 0)
    return GatherPrompt(
        action=urljoin(document_url, element.get("action", "")) or document_url,
        method=element.get("method", "POST").upper(),
        timeout=session.int_attribute(element, "timeout", 5),
        num_digits=num_digits if num_digits > 0 else None,
        finish_on_key=element.get("finishOnKey", "#"),
        action_on_empty_result=element.get("actionOnEmptyResult", "false").lower() == "true",
        input=element.get("input", "dtmf"),
        prompts=tuple(text_of(child) for child in element if child.tag == "Say"),
    )
