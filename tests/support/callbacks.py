"""Callbacks driven end to end: booked by a simulated call, placed by the scheduler's
dispatcher (in-process, the test clock) through the real gateway against the local fake
Twilio server, and the counsellor's leg answered over signed HTTP as Twilio would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hotline.callbacks.models import Callback, CallbackAttempt
from hotline.cases.event_texts import event_text
from hotline.cases.events import CaseEvent
from hotline.cases.models import Case
from scheduling.scheduler.dispatcher import Dispatcher
from tests.support.fake_twilio import FakeTwilio
from tests.support.routing import leg_params, placed_call
from tests.support.twilio import CALLER, PUBLIC_BASE_URL, TwilioRequests

HOTLINE = "+498003009944"
SATURDAY_BOOKING = ["-", "-", "1", "1", "1"]  # language, case number, callback, own number, slot 1


DIALLED_SID = "CA" + "d" * 32  # the caller's leg a callback dials


@dataclass(frozen=True)
class CounsellorLeg:
    """A counsellor's phone rung for a callback attempt."""

    attempt_id: int
    work_id: int
    sid: str
    to: str
    whisper_url: str
    status_url: str

    def params(self, **extra: str) -> dict[str, str]:
        return leg_params(self.sid, self.to, **extra)


def callback_attempts(svc: Any, callback_id: int) -> list[CallbackAttempt]:
    """The attempts of a callback, in order, detached from their session."""
    with svc.database.transaction() as session:
        rows = list(
            session.scalars(
                select(CallbackAttempt)
                .where(CallbackAttempt.callback_id == callback_id)
                .order_by(CallbackAttempt.number)
            )
        )
        session.expunge_all()
        return rows


class CallbackDriver:
    def __init__(self, twilio: TwilioRequests, svc: Any, dispatcher: Dispatcher, fake: FakeTwilio):
        self.twilio = twilio
        self.svc = svc
        self.dispatcher = dispatcher
        self.fake = fake
        self._seen = 0

    def ring(self) -> list[CounsellorLeg]:
        """Run what is due until nothing more is (a due callback queues its ring); the
        counsellors' legs placed since the last call."""
        self.dispatcher.dispatch_until_idle(max_rounds=5)
        created = self.fake.calls_created()
        new, self._seen = created[self._seen :], len(created)
        return [self._leg(form) for form in new]

    def answer(self, leg: CounsellorLeg) -> str:
        self.status(leg, "in-progress")
        return self.post(leg, self._path(leg.whisper_url))

    def press_at_whisper(self, leg: CounsellorLeg, digits: str) -> str:
        return self.post(
            leg, f"/twilio/voice/callback/dial?attempt={leg.attempt_id}", Digits=digits
        )

    def dial_ends(self, leg: CounsellorLeg, dial_status: str) -> str:
        return self.post(
            leg,
            f"/twilio/voice/callback/dialed?attempt={leg.attempt_id}",
            DialCallStatus=dial_status,
            DialCallSid=DIALLED_SID,
            DialCallDuration="95" if dial_status == "completed" else "0",
        )

    def caller_leg_ends(self, leg: CounsellorLeg) -> Any:
        """The caller's leg (the `<Number>` dialled from the counsellor's leg, the sid
        `dial_ends` names) reports its end to the status URL its TwiML gave, as Twilio does."""
        params = {
            **leg.params(CallStatus="completed"),
            "CallSid": DIALLED_SID,
            "ParentCallSid": leg.sid,
            "Direction": "outbound-dial",
            "From": HOTLINE,
            "To": CALLER,
        }
        response = self.twilio.post("/twilio/voice/status", params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    def caller_leg_answers(self, leg: CounsellorLeg, answered_by: str, *, path: str = "") -> str:
        """The caller's phone, dialled from the counsellor's leg, picks up: Twilio asks the
        `<Number url>` (the screen, or the message) with what its answering-machine detection
        heard, on the dialled leg's own sid; the TwiML that leg is given."""
        dialled_sid = "CA" + "e" * 32
        params = {
            "CallSid": dialled_sid,
            "ParentCallSid": leg.sid,
            "AccountSid": leg.params()["AccountSid"],
            "From": HOTLINE,
            "To": CALLER,
            "CallStatus": "in-progress",
            "Direction": "outbound-dial",
            "ApiVersion": "2010-04-01",
            "AnsweredBy": answered_by,
        }
        target = path or f"/twilio/voice/callback/screen?attempt={leg.attempt_id}"
        response = self.twilio.post(target, params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)

    def press_at_mailbox(self, leg: CounsellorLeg, digits: str) -> str:
        return self.post(
            leg, f"/twilio/voice/callback/mailbox?attempt={leg.attempt_id}", Digits=digits
        )

    def message_dial_ends(self, leg: CounsellorLeg) -> str:
        return self.post(
            leg,
            f"/twilio/voice/callback/message-left?attempt={leg.attempt_id}",
            DialCallStatus="completed",
        )

    def press_after_call(self, leg: CounsellorLeg, digits: str) -> str:
        return self.post(
            leg, f"/twilio/voice/callback/result?attempt={leg.attempt_id}", Digits=digits
        )

    def status(self, leg: CounsellorLeg, status: str) -> Any:
        return self.twilio.post(self._path(leg.status_url), leg.params(CallStatus=status))

    def post(self, leg: CounsellorLeg, path: str, **extra: str) -> str:
        response = self.twilio.post(path, leg.params(**extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)

    def talk(self, leg: CounsellorLeg) -> None:
        """The whole counsellor's side of a callback that reaches the caller."""
        self.answer(leg)
        self.press_at_whisper(leg, "1")
        self.dial_ends(leg, "completed")
        self.press_after_call(leg, "1")
        self.status(leg, "completed")

    # --- what the database holds ------------------------------------------------------
    def callback(self, callback_id: int | None = None) -> Callback:
        with self.svc.database.transaction() as session:
            query = select(Callback).order_by(Callback.id.desc())
            if callback_id is not None:
                query = query.where(Callback.id == callback_id)
            callback = session.scalars(query).first()
            assert callback is not None
            session.expunge_all()
            return callback

    def case_reference(self, case_id: int) -> str:
        with self.svc.database.transaction() as session:
            return session.get(Case, case_id).reference

    def attempts(self, callback_id: int) -> list[CallbackAttempt]:
        return callback_attempts(self.svc, callback_id)

    def case_events(self, case_id: int) -> list[tuple[str, str]]:
        with self.svc.database.transaction() as session:
            rows = session.execute(
                select(CaseEvent.kind, CaseEvent.params)
                .where(CaseEvent.case_id == case_id)
                .order_by(CaseEvent.id)
            ).all()
            return [(kind, event_text(kind, params)) for kind, params in rows]

    def _leg(self, form: dict[str, list[str]]) -> CounsellorLeg:
        return CounsellorLeg(*placed_call(self.svc, form, "attempt"))

    @staticmethod
    def _path(url: str) -> str:
        return url.removeprefix(PUBLIC_BASE_URL)
