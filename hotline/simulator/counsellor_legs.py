"""A counsellor's phone as Twilio plays it: the whisper, the key pressed, the bridge.

The switchboard rings the leg; once someone (or a mailbox) answers, this plays the leg's
TwiML for the counsellor and follows its `<Gather>` action. A behaviour stands in for the
person: which key they press, if any. `<Dial><Queue>` ends the part played here: the
switchboard bridges the counsellor to the caller waiting in that queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.simulator.audio import SECONDS_PER_CHARACTER
from hotline.simulator.documents import TwimlError, parse_reply, text_of
from hotline.simulator.gathering import collect_digits, gather_prompt
from hotline.simulator.session import API_VERSION, CallSession, Fetch
from hotline.simulator.transcript import EventKind
from hotline.simulator.transports import Transport, TwimlReply
from hotline.telephony.gateway import OutboundCall
from hotline.texts import text

BEHAVIOURS = ("accept", "decline", "ignore", "mailbox", "busy")
KEYS = {"accept": "1", "decline": "2"}  # pressed at every <Gather>; a mailbox presses nothing
MAX_LEG_DOCUMENTS = 10  # a counsellor's leg is short: whisper, answer, maybe one more


def check_behaviour(behaviour: str) -> str:
    """The behaviour unchanged, or ValueError naming the ones a counsellor can have."""
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"counsellor behaviour {behaviour!r}: one of {', '.join(BEHAVIOURS)}")
    return behaviour


@dataclass
class CounsellorLeg:
    """One call the service placed to a counsellor, and how far it got."""

    number: int  # 1, 2, … in the order placed: "Berater:in 1"
    sid: str
    call: OutboundCall
    behaviour: str
    account_sid: str
    seconds: float = 0.0  # time since answered, for CallDuration
    sequence: int = 0  # SequenceNumber of the next status callback
    status: str | None = None  # the final status, once over
    bridged_to: str | None = None  # the queue whose caller the counsellor talks to

    def params(self, call_status: str) -> dict[str, str]:
        """What Twilio sends with every request about this leg."""
        return {
            "CallSid": self.sid,
            "AccountSid": self.account_sid,
            "From": self.call.caller_id,
            "To": self.call.to,
            "Direction": "outbound-api",
            "CallStatus": call_status,
            "ApiVersion": API_VERSION,
        }


def emit_counsellor(
    session: CallSession, leg: CounsellorLeg | None, what: str, text: str = "", **attributes: str
) -> None:
    """A line of the counsellors' side in the caller's transcript (see console.py)."""
    number = str(leg.number) if leg is not None else ""
    session.emit(EventKind.COUNSELLOR, text, what=what, counsellor=number, **attributes)


class LegPlayer:
    """Plays an answered leg for the counsellor; `play()` returns the queue they dial, if any."""

    def __init__(
        self,
        session: CallSession,
        leg: CounsellorLeg,
        *,
        via: Transport,
        caller_waits: Callable[[str], bool],
    ) -> None:
        self._session = session
        self._leg = leg
        self._via = via
        self._caller_waits = caller_waits
        self._pressed: str | None = None  # keys announced once their answer is known

    def play(self) -> str | None:
        step: Fetch | None = Fetch("POST", self._leg.call.twiml_url)
        for _ in range(MAX_LEG_DOCUMENTS):
            if step is None:
                return None
            document = self._fetch(step)
            if document is None:
                return None
            self._announce_keys(document)
            step_or_queue = self._play_document(document, step.url)
            if isinstance(step_or_queue, str):
                return step_or_queue
            step = step_or_queue
        emit_counsellor(
            self._session, self._leg, "error", text("simulator.events.too_many_documents")
        )
        return None

    def _fetch(self, step: Fetch) -> Element | None:
        params = self._leg.params("in-progress") | dict(step.params)
        reply = self._session.send(step.method, step.url, params, via=self._via)
        try:
            return parse_reply(reply or TwimlReply(status=0, body="", content_type=""))
        except TwimlError as error:
            self._announce_keys(None)
            said = text("simulator.events.application_error", error=error)
            emit_counsellor(self._session, self._leg, "error", said)
            return None

    def _play_document(self, document: Element, url: str) -> Fetch | str | None:
        """The next document, the queue dialled, or None when the leg hangs up."""
        for verb in document:
            if verb.tag in ("Say", "Play", "Pause"):
                self._hear(verb)
            elif verb.tag == "Gather":
                step = self._gather(verb, url)
                if step is not None:
                    return step
            elif verb.tag == "Redirect":
                return Fetch(verb.get("method", "POST").upper(), urljoin(url, text_of(verb)))
            elif verb.tag == "Dial":
                queue = self._dial(verb)
                if queue is not None:
                    return queue
            elif verb.tag in ("Hangup", "Reject"):
                return None
            else:
                self._session.emit(
                    EventKind.UNSUPPORTED,
                    text("simulator.events.verb_at_counsellor", verb=verb.tag),
                    verb=verb.tag,
                )
        return None

    def _hear(self, verb: Element) -> None:
        session, leg = self._session, self._leg
        if verb.tag == "Pause":
            leg.seconds += session.int_attribute(verb, "length", 1)
            return
        loops = max(session.int_attribute(verb, "loop", 1), 1)
        text = text_of(verb)
        if verb.tag == "Say":
            leg.seconds += SECONDS_PER_CHARACTER * len(text) * loops
            emit_counsellor(session, leg, "hears", text)
        else:
            emit_counsellor(session, leg, "hears", f"Audio {urljoin(leg.call.twiml_url, text)}")

    def _gather(self, verb: Element, url: str) -> Fetch | None:
        for child in verb:
            self._hear(child)
        prompt = gather_prompt(self._session, verb, url)
        entered = collect_digits(
            KEYS.get(self._leg.behaviour), prompt.num_digits, prompt.finish_on_key
        )
        if entered.timed_out:
            self._leg.seconds += prompt.timeout
        if entered.digits:
            self._pressed = entered.digits
        else:
            emit_counsellor(self._session, self._leg, "no key", mailbox=self._mailbox())
        if not entered.digits and not prompt.action_on_empty_result:
            return None
        params = {"Digits": entered.digits, "FinishedOnKey": entered.finished_on_key}
        return Fetch(prompt.method, prompt.action, params)

    def _dial(self, verb: Element) -> str | None:
        for noun in verb:
            if noun.tag == "Queue":
                return text_of(noun)
            self._session.emit(
                EventKind.UNSUPPORTED,
                text("simulator.events.dial_noun_at_counsellor", noun=noun.tag),
                verb="Dial",
            )
        return None

    def _announce_keys(self, answer: Element | None) -> None:
        """ "drückt 1 – wird verbunden": the keys, with what the service answered to them."""
        if self._pressed is None:
            return
        result = ""
        if answer is not None:
            queues = [
                text_of(noun)
                for dial in answer.iter("Dial")
                for noun in dial
                if noun.tag == "Queue"
            ]
            if any(self._caller_waits(queue) for queue in queues):
                result = "connecting"
            else:
                result = "not connected" if self._leg.behaviour == "accept" else "passes"
        emit_counsellor(self._session, self._leg, "pressed", self._pressed, result=result)
        self._pressed = None

    def _mailbox(self) -> str:
        return str(self._leg.behaviour == "mailbox").lower()
