"""`<Enqueue>`: the caller waits in rounds of the wait URL's TwiML until the wait ends.

Twilio plays the wait URL's TwiML while the caller is in the queue: its audio, its `<Gather>`
(the callback offer), its `<Redirect>` to the next round; `<Leave>` takes the caller out. With
a switchboard the counsellors are rung before each round is heard, and one who accepts is
bridged to the caller. Whatever ends the wait is reported to the Enqueue's action as `QueueResult`.
Without a switchboard (against a running service) nobody dequeues the caller: the rounds go
on until the service says `<Leave>`, the caller hangs up, or the loop guard stops the call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.audio import AUDIO_VERBS, hear
from hotline.simulator.dialing import BRIDGED_CALL_SECONDS
from hotline.simulator.documents import TwimlError, text_of
from hotline.simulator.gathering import gather
from hotline.simulator.redirects import redirect
from hotline.simulator.session import CallSession, Fetch, Finish, Step, new_sid
from hotline.simulator.transcript import EndedBy, EventKind
from hotline.texts import text

MAX_QUEUE_SIZE = "100"  # Twilio's default for a new queue


@dataclass(frozen=True)
class Queued:
    """One stay in a queue: Twilio names it by a QueueSid and times it from the start."""

    name: str
    sid: str
    since: float  # the call's simulated seconds when the caller was queued
    wait: Fetch | None  # the wait URL, requested again when a wait document runs out
    action: str | None
    method: str

    def params(self, session: CallSession) -> dict[str, str]:
        """What Twilio sends to the wait URL: the caller is alone in their own queue."""
        waited = self.queue_time(session)
        return {
            "QueueSid": self.sid,
            "QueueTime": waited,
            "QueuePosition": "1",
            "CurrentQueueSize": "1",
            "AvgQueueTime": waited,
            "MaxQueueSize": MAX_QUEUE_SIZE,
        }

    def queue_time(self, session: CallSession) -> str:
        """Whole seconds waited (to the millisecond first: 0.1 + 0.2 s of speech is 0.3 s)."""
        return str(math.floor(round(session.seconds - self.since, 3)))


@dataclass(frozen=True)
class WaitEnded:
    """How the wait ended: Twilio's QueueResult, and who ended the call if it is over."""

    result: str  # bridged, leave, hangup
    ended_by: EndedBy | None = None


def enqueue(session: CallSession, element: Element, document_url: str) -> Step | None:
    action = element.get("action")
    wait_url = element.get("waitUrl")
    queued = Queued(
        name=text_of(element),
        sid=new_sid("QU"),
        since=session.seconds,
        wait=Fetch(element.get("waitUrlMethod", "POST").upper(), urljoin(document_url, wait_url))
        if wait_url
        else None,
        action=urljoin(document_url, action) if action else None,
        method=element.get("method", "POST").upper(),
    )
    session.emit(EventKind.ENQUEUE, queued.name, url=queued.wait.url if queued.wait else None)
    session.waiting_in = queued.name
    try:
        ended = _wait(session, queued)
    finally:
        session.waiting_in = None
    return _after_wait(session, queued, ended)


def _wait(session: CallSession, queued: Queued) -> WaitEnded:
    """Rounds of wait TwiML; the counsellors get their chance before each is heard.

    Twilio requests the wait URL as soon as the caller is queued (the service learns the
    QueueSid from it), while the counsellors' phones ring: so each document is requested
    first, then the counsellors' side is played, then the document if nobody took the call.
    """
    step = queued.wait
    while True:
        if step is None:  # no wait URL: Twilio's own music, and nothing moves the wait on
            if _counsellor_took_the_call(session, queued):
                return WaitEnded("bridged")
            session.emit(EventKind.WARNING, text("simulator.events.enqueue_without_wait_url"))
            return WaitEnded("hangup", EndedBy.CALLER)
        try:
            document = session.fetch_document(
                Fetch(step.method, step.url, queued.params(session) | dict(step.params))
            )
        except TwimlError as error:
            session.emit(EventKind.WARNING, text("simulator.events.wait_failed", error=error))
            return WaitEnded("hangup", EndedBy.CALLER)
        if _counsellor_took_the_call(session, queued):
            return WaitEnded("bridged")
        played = _play_wait_document(session, document, step.url)
        if isinstance(played, WaitEnded):
            return played
        step = played or queued.wait


def _play_wait_document(
    session: CallSession, document: Element, url: str
) -> Fetch | WaitEnded | None:
    """One round: the next document to request, the end of the wait, or None when the
    document ran out (Twilio then requests the wait URL again)."""
    for verb in document:
        if session.caller.hangs_up():
            return WaitEnded("hangup", EndedBy.CALLER)
        if verb.tag in AUDIO_VERBS:
            hear(session, verb, url)
        elif verb.tag == "Gather":
            step = gather(session, verb, url)
            if isinstance(step, Finish):
                return WaitEnded("hangup", EndedBy.CALLER)
            if step is not None:
                return step
        elif verb.tag == "Redirect":
            return redirect(session, verb, url)
        elif verb.tag == "Leave":
            return WaitEnded("leave")
        elif verb.tag == "Hangup":
            return WaitEnded("hangup", EndedBy.HANGUP_VERB)
        else:
            session.emit(
                EventKind.UNSUPPORTED,
                text("simulator.events.verb_in_queue", verb=verb.tag),
                verb=verb.tag,
            )
    return None


def _counsellor_took_the_call(session: CallSession, queued: Queued) -> bool:
    switchboard = session.switchboard
    if switchboard is None:
        return False
    switchboard.run_counsellors(session, session.dispatch)
    return switchboard.bridged(queued.name)


def _after_wait(session: CallSession, queued: Queued, ended: WaitEnded) -> Step | None:
    """The Enqueue's action hears how the wait ended; without one the next verb follows."""
    params = {
        "QueueResult": ended.result,
        "QueueSid": queued.sid,
        "QueueTime": queued.queue_time(session),
    }
    if ended.result == "bridged":
        _talk(session, queued)
    if ended.ended_by is None:
        return Fetch(queued.method, queued.action, params) if queued.action else None
    if queued.action:  # the caller is gone: Twilio reports to the action and ignores its TwiML
        session.send(queued.method, queued.action, session.call_params(params))
    return Finish(ended.ended_by)


def _talk(session: CallSession, queued: Queued) -> None:
    """The conversation with the counsellor; it ends when the counsellor hangs up."""
    session.emit(EventKind.BRIDGED, queued.name)
    session.spend(BRIDGED_CALL_SECONDS)
    if session.switchboard is not None:
        session.switchboard.end_conversation(session, queued.name, BRIDGED_CALL_SECONDS)
