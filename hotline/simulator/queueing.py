"""`<Enqueue>`: the caller waits, hears the wait URL's TwiML once as hold music, then gives up.

Nobody dequeues a simulated caller, so the wait ends with the caller hanging up (QueueResult
"hangup") unless the hold music says `<Leave>`, which continues with the action or next verb.
"""

from __future__ import annotations

from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.audio import AUDIO_VERBS, hear
from hotline.simulator.documents import TwimlError
from hotline.simulator.session import CallSession, Fetch, Finish, Step, new_sid
from hotline.simulator.transcript import EndedBy, EventKind

# A simulated caller is alone in the queue and just arrived.
WAITING_ALONE = {
    "QueueTime": "0",
    "QueuePosition": "1",
    "CurrentQueueSize": "1",
    "AvgQueueTime": "0",
    "MaxQueueSize": "100",
}


def enqueue(session: CallSession, element: Element, document_url: str) -> Step | None:
    queue_name = " ".join("".join(element.itertext()).split())
    action = element.get("action")
    action_url = urljoin(document_url, action) if action else None
    method = element.get("method", "POST").upper()
    wait_url = element.get("waitUrl")
    queue = {"QueueSid": new_sid("QU")}
    session.emit(EventKind.ENQUEUE, queue_name, url=wait_url or None)
    result = "hangup"
    if wait_url:
        wait = Fetch(
            element.get("waitUrlMethod", "POST").upper(),
            urljoin(document_url, wait_url),
            queue | WAITING_ALONE,
        )
        result = _hold_music(session, wait)
    params = queue | {"QueueResult": result, "QueueTime": "0"}
    if result == "leave":
        return Fetch(method, action_url, params) if action_url else None
    if action_url:  # the caller is gone: Twilio reports to the action and ignores its TwiML
        session.send(method, action_url, session.call_params(params))
    return Finish(EndedBy.CALLER)


def _hold_music(session: CallSession, wait: Fetch) -> str:
    """Plays the wait document once; "leave" if it says `<Leave>`, else "hangup"."""
    try:
        document = session.fetch_document(wait)
    except TwimlError as error:
        session.emit(EventKind.WARNING, f"waitUrl: {error}; Twilio plays its default music")
        return "hangup"
    for verb in document:
        if session.caller.hangs_up():
            return "hangup"
        if verb.tag in AUDIO_VERBS:
            hear(session, verb, wait.url)
        elif verb.tag == "Gather":
            for child in verb:
                hear(session, child, wait.url)
        elif verb.tag == "Leave":
            return "leave"
        elif verb.tag in {"Hangup", "Redirect"}:
            return "hangup"  # Redirect would start the music again: once is enough here
        else:
            session.emit(EventKind.UNSUPPORTED, f"<{verb.tag}> in hold music", verb=verb.tag)
    return "hangup"
