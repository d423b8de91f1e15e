"""Routing driven over signed HTTP, the way Twilio and the scheduler drive it.

The caller's side goes through the voice webhooks; the scheduler's dispatcher (in-process,
the test clock) rings counsellors through the real gateway against the local fake Twilio
server; each rung leg can then answer, press keys and report its status like Twilio would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from hotline.outbox.models import WorkItem
from hotline.routing.models import CallOffer
from scheduling.scheduler.dispatcher import Dispatcher
from tests.support.fake_twilio import FakeTwilio
from tests.support.twilio import ACCOUNT_SID, PUBLIC_BASE_URL, TwilioRequests, voice_params


def leg_params(sid: str, to: str, **extra: str) -> dict[str, str]:
    """What Twilio sends for a call the service placed (from the hotline's number)."""
    return {
        "CallSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": "+498003009944",
        "To": to,
        "Direction": "outbound-api",
        "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def placed_call(
    svc: Any, form: dict[str, list[str]], id_parameter: str
) -> tuple[int, int, str, str, str, str]:
    """A call the scheduler placed, from its REST request: the id in its answer URL
    (`?offer=` or `?attempt=`), its work item, the sid Twilio gave it, to, and both URLs."""
    answer_url, status_url = form["Url"][0], form["StatusCallback"][0]
    own_id = int(parse_qs(urlsplit(answer_url).query)[id_parameter][0])
    work_id = int(parse_qs(urlsplit(status_url).query)["work"][0])
    with svc.database.transaction() as session:
        sid = session.scalar(select(WorkItem.reference).where(WorkItem.id == work_id))
    return own_id, work_id, sid, form["To"][0], answer_url, status_url


@dataclass(frozen=True)
class Leg:
    """A counsellor's phone the scheduler rang."""

    offer_id: int
    work_id: int
    sid: str
    to: str
    whisper_url: str
    status_url: str

    def params(self, **extra: str) -> dict[str, str]:
        return leg_params(self.sid, self.to, **extra)


class RoutingDriver:
    def __init__(self, twilio: TwilioRequests, svc: Any, dispatcher: Dispatcher, fake: FakeTwilio):
        self.twilio = twilio
        self.svc = svc
        self.dispatcher = dispatcher
        self.fake = fake
        self._rung = len(fake.calls_created()) if fake is not None else 0  # rung before: not ours

    # --- the caller ---------------------------------------------------------------------
    def caller_waits(self, call_sid: str, *, english: bool = False) -> str:
        """Incoming call, language, no case number, route: the route step's TwiML."""
        self.twilio.incoming(call_sid)
        self.post(call_sid, "intake/language", Digits="9" if english else "")
        self.post(call_sid, "intake/case-number?attempt=1", Digits="")
        return self.post(call_sid, "route").get_data(as_text=True)

    def post(self, call_sid: str, path: str, **extra: str) -> Any:
        params = voice_params(call_sid, CallStatus="in-progress", **extra)
        return self.twilio.post(f"/twilio/voice/{path}", params)

    def wait_round(self, call_sid: str, round_number: int, queue_time: int) -> str:
        response = self.post(
            call_sid,
            f"queue/wait?round={round_number}",
            QueueSid="QU" + "a" * 32,
            QueueTime=str(queue_time),
            QueuePosition="1",
        )
        return response.get_data(as_text=True)

    def queue_result(self, call_sid: str, result: str) -> str:
        return self.post(call_sid, "queue/result", QueueResult=result).get_data(as_text=True)

    def caller_hangs_up(self, call_sid: str) -> None:
        self.twilio.status(call_sid, "completed", CallDuration="40", Direction="inbound")

    # --- the counsellors ----------------------------------------------------------------
    def ring(self) -> list[Leg]:
        """Let the scheduler do what is due (and the work that makes due at once: a look at
        the line rings someone); the legs it placed since the last ring."""
        self.dispatcher.dispatch_until_idle(max_rounds=10)
        created = self.fake.calls_created()
        new, self._rung = created[self._rung :], len(created)
        return [self._leg(form) for form in new]

    def answer(self, leg: Leg) -> str:
        """The counsellor (or a mailbox) picks up: the whisper."""
        self.status(leg, "in-progress")
        return self.twilio.post(self._path(leg.whisper_url), leg.params()).get_data(as_text=True)

    def press(self, leg: Leg, digits: str) -> str:
        path = f"/twilio/voice/whisper/answer?offer={leg.offer_id}"
        return self.twilio.post(path, leg.params(Digits=digits)).get_data(as_text=True)

    def status(self, leg: Leg, status: str, **extra: str) -> Any:
        params = leg.params(CallStatus=status, **extra)
        return self.twilio.post(self._path(leg.status_url), params)

    def offer(self, leg: Leg) -> CallOffer:
        with self.svc.database.transaction() as session:
            return session.get(CallOffer, leg.offer_id)

    def _leg(self, form: dict[str, list[str]]) -> Leg:
        """A leg rung for a caller (`?offer=`), or for a callback in line (`?attempt=`)."""
        query = parse_qs(urlsplit(form["Url"][0]).query)
        return Leg(*placed_call(self.svc, form, "offer" if "offer" in query else "attempt"))

    @staticmethod
    def _path(url: str) -> str:
        return url.removeprefix(PUBLIC_BASE_URL)
