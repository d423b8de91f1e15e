"""The call as Twilio plays it: fetch TwiML, act out each verb, follow actions and redirects.

Only the caller is simulated; every decision about what comes next is the service's TwiML,
requested with Twilio's parameters and signature through a Transport.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from hotline.clock import SystemClock
from hotline.config import DEFAULT_HOTLINE_NUMBER, DEV_ACCOUNT_SID
from hotline.simulator.audio import pause, play, say
from hotline.simulator.callers import Caller, ScriptExhausted
from hotline.simulator.dialing import dial
from hotline.simulator.documents import TwimlError
from hotline.simulator.gathering import gather
from hotline.simulator.queueing import enqueue
from hotline.simulator.redirects import redirect
from hotline.simulator.session import (
    INBOUND,
    OUTBOUND_API,
    CallIdentity,
    CallSession,
    Fetch,
    Finish,
    LoopGuardError,
    Step,
    new_sid,
)
from hotline.simulator.switchboard import Switchboard
from hotline.simulator.transcript import (
    APPLICATION_ERROR_MESSAGE,
    CallEvent,
    EndedBy,
    EventKind,
    Transcript,
)
from hotline.simulator.transports import Transport
from hotline.telephony.urls import INCOMING_STEP, STATUS_PATH, VOICE_PREFIX

VerbPlayer = Callable[[CallSession, Element, str], Step | None]
# What Twilio reports of a call placed through the REST API before it fetches the answer URL
# (the service's gateway asks for every event).
PROGRESS_STATUSES = ("initiated", "ringing", "in-progress")


def hangup(session: CallSession, element: Element, document_url: str) -> Step:
    return Finish(EndedBy.HANGUP_VERB)


def reject(session: CallSession, element: Element, document_url: str) -> Step:
    """`<Reject>`: the call is never answered; busy or no-answer by its reason."""
    status = "busy" if element.get("reason") == "busy" else "no-answer"
    return Finish(EndedBy.HANGUP_VERB, call_status=status)


def unsupported(session: CallSession, element: Element, document_url: str) -> None:
    session.emit(EventKind.UNSUPPORTED, f"<{element.tag}>", verb=element.tag)


VERB_PLAYERS: dict[str, VerbPlayer] = {
    "Say": say,
    "Play": play,
    "Pause": pause,
    "Gather": gather,
    "Redirect": redirect,
    "Dial": dial,
    "Enqueue": enqueue,
    "Hangup": hangup,
    "Reject": reject,
}


def play_document(session: CallSession, document: Element, document_url: str) -> Step:
    """Plays verbs until one moves the call elsewhere; a document that runs out hangs up."""
    for verb in document:
        if session.caller.hangs_up():
            return Finish(EndedBy.CALLER)
        step = VERB_PLAYERS.get(verb.tag, unsupported)(session, verb, document_url)
        if step is not None:
            return step
    return Finish(EndedBy.END_OF_DOCUMENT)


class CallPlayer:
    """Plays one call from the voice URL to the end and returns its Transcript.

    Usually an inbound call to the hotline; with `direction="outbound-api"` a call the service
    placed (a counsellor's leg of a callback): the voice URL is its answer URL, and Twilio's
    progress reports (initiated, ringing, in-progress) come before it.

    In-process, the counsellors' side can be played too: a `switchboard` (the service's
    outbound gateway) with `dispatch` (runs the service's due work) and `advance_clock`
    (moves the service's clock with the simulated call time).
    """

    def __init__(
        self,
        transport: Transport,
        caller: Caller,
        *,
        from_number: str,
        to_number: str = DEFAULT_HOTLINE_NUMBER,
        call_sid: str | None = None,
        account_sid: str = DEV_ACCOUNT_SID,
        fallback_url: str | None = None,
        status_callback_url: str | None = f"{VOICE_PREFIX}/{STATUS_PATH}",
        on_event: Callable[[CallEvent], None] | None = None,
        max_requests: int = 100,
        clock: Callable[[], datetime] | None = None,
        advance_clock: Callable[[timedelta], None] | None = None,
        switchboard: Switchboard | None = None,
        dispatch: Callable[[], object] | None = None,
        direction: str = INBOUND,
    ) -> None:
        self._transport = transport
        self._caller = caller
        self._identity = CallIdentity(
            call_sid=call_sid or new_sid("CA"),
            account_sid=account_sid,
            from_number=from_number,
            to_number=to_number,
            direction=direction,
        )
        self._fallback_url = fallback_url
        self._status_callback_url = status_callback_url
        self._on_event = on_event
        self._max_requests = max_requests
        self._clock = clock or SystemClock().now
        self._advance_clock = advance_clock
        self._switchboard = switchboard
        self._dispatch = dispatch

    def run(self, voice_url: str = f"{VOICE_PREFIX}/{INCOMING_STEP}") -> Transcript:
        """Plays the call; ScriptExhausted propagates with the transcript so far attached."""
        session = CallSession(
            self._transport,
            self._caller,
            self._identity,
            clock=self._clock,
            on_event=self._on_event,
            max_documents=self._max_requests,
            advance_clock=self._advance_clock,
            switchboard=self._switchboard,
            dispatch=self._dispatch,
        )
        if self._identity.direction == OUTBOUND_API:
            self._report_progress(session, voice_url)
        try:
            finish = self._play(session, voice_url)
        except ScriptExhausted as exc:
            exc.transcript = session.transcript
            raise
        self._hang_up(session, finish, voice_url)
        if session.switchboard is not None:  # what the call's end left to do: end legs, …
            session.switchboard.run_counsellors(session, session.dispatch)
        return session.transcript

    def _play(self, session: CallSession, voice_url: str) -> Finish:
        step: Step = Fetch("POST", voice_url)
        first_document = True
        while isinstance(step, Fetch):
            try:
                document = session.fetch_document(step)
                first_document = False
                session.answered = True
                step = play_document(session, document, step.url)
            except TwimlError as error:
                step = self._after_error(session, error, step.url, first_document, voice_url)
                first_document = False
            except LoopGuardError as exc:
                session.emit(EventKind.LOOP_GUARD, str(exc))
                step = Finish(EndedBy.LOOP_GUARD)
        return step

    def _after_error(
        self,
        session: CallSession,
        error: TwimlError,
        url: str,
        first_document: bool,
        voice_url: str,
    ) -> Step:
        """Twilio's error path: the voice fallback URL for the first document, else goodbye."""
        use_fallback = first_document and self._fallback_url is not None
        session.emit(
            EventKind.APPLICATION_ERROR,
            error.message if use_fallback else f"{error.message} – {APPLICATION_ERROR_MESSAGE}",
            url=url,
            code=str(error.code),
            fallback=str(use_fallback).lower(),
        )
        if use_fallback and self._fallback_url is not None:
            params = {"ErrorCode": str(error.code), "ErrorUrl": url}
            return Fetch("POST", urljoin(voice_url, self._fallback_url), params)
        return Finish(EndedBy.APPLICATION_ERROR)

    def _hang_up(self, session: CallSession, finish: Finish, voice_url: str) -> None:
        """Closes the transcript and sends the call's final status callback."""
        transcript = session.transcript
        transcript.ended_by = finish.ended_by
        transcript.call_status = finish.call_status
        transcript.duration_seconds = round(session.seconds)
        session.emit(EventKind.END, finish.ended_by.value, status=finish.call_status)
        duration = str(transcript.duration_seconds)
        self._report_status(session, voice_url, finish.call_status, CallDuration=duration)

    def _report_progress(self, session: CallSession, voice_url: str) -> None:
        """A call the service placed is answered before its first document is fetched."""
        for status in PROGRESS_STATUSES:
            self._report_status(session, voice_url, status)
        session.answered = True

    def _report_status(
        self, session: CallSession, voice_url: str, status: str, **extra: str
    ) -> None:
        """One status callback of the played call (numbered by SequenceNumber)."""
        if self._status_callback_url is None:
            return
        params = {
            "CallStatus": status,
            **extra,
            "Timestamp": session.timestamp(),
            "SequenceNumber": str(session.status_callbacks_sent),
            "CallbackSource": "call-progress-events",
        }
        url = urljoin(voice_url, self._status_callback_url)
        session.send("POST", url, session.call_params(params))
        session.status_callbacks_sent += 1
