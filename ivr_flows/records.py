"""What a step records: typed, immutable records, applied by the runner after the step.

A step decides what the caller hears from what it is given and what it reads; what that
changes it does not write itself but returns in its `Effects` (`CallerLeaves(outcome)`,
`OfferPassed(offer_id, why)`, ...). The runner applies the records in the order the step
listed them, in the step's transaction, through its unit of work (`apply_records`): a
step can be tested as a function of its input and its reads, and a Twilio retry of the
delivery, rolled back whole, applies nothing twice. The few writes whose result decides
what the caller hears are no records: `ivr_flows.steps` lists them.

The records of one step may build on each other: a callback record without an id means
the callback that the step's `CallbackNumberTaken` holds, which exists only once that is
applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hotline.abuse import challenges
from hotline.telephony.models import CallOutcome
from hotline.telephony.phone_numbers import CallbackNumber
from scheduling.unit import Unit


# --- the caller in line -------------------------------------------------------------------
@dataclass(frozen=True)
class QueueNoted:
    """Twilio named the caller's queue (its SID, as the wait URL is told): kept, to delete
    the queue after the call. Anything not shaped like a queue SID is ignored."""

    queue_sid: str


@dataclass(frozen=True)
class CallbackRequested:
    """The caller pressed 1 while waiting: a callback instead; they leave the queue next."""


@dataclass(frozen=True)
class CallerLeaves:
    """The caller is out of the queue unconnected, for this reason (a callback wish noted
    earlier stays the outcome); the counsellors still rung for them are free again."""

    outcome: CallOutcome


# --- the counsellor's leg -----------------------------------------------------------------
@dataclass(frozen=True)
class OfferPassed:
    """The counsellor let the call pass at the whisper (`why`: "no-key", "other-key"); the
    caller keeps waiting while others ring."""

    offer_id: int
    why: str


@dataclass(frozen=True)
class CounsellorFree:
    """A counsellor's callback call is over: the distributor decides afresh who is rung
    (after the wrap-up that counsellor is offered the next in line)."""


# --- flood mode's voice challenge -----------------------------------------------------------
@dataclass(frozen=True)
class ChallengeAsked:
    """The caller is asked to type these digits (kept by CallSid for the answer)."""

    digits: str


@dataclass(frozen=True)
class ChallengeFailed:
    """The caller typed other digits, or none."""


@dataclass(frozen=True)
class ChallengePassed:
    """The caller typed the digits: on to the greeting."""


# --- a callback booked by phone -----------------------------------------------------------
@dataclass(frozen=True)
class CallbackNumberTaken:
    """The number the caller confirmed or typed, held (encrypted) on the call's draft
    callback while they confirm it and choose a time."""

    number: CallbackNumber = field(repr=False)  # never in a log line or a test's diff


@dataclass(frozen=True)
class CallbackInLine:
    """From the queue: the callback is due now and keeps the caller's place in line."""

    callback_id: int | None = None  # None: the one this step's CallbackNumberTaken holds


@dataclass(frozen=True)
class CallbackConfirmationSms:
    """A mobile number gets the confirmation as an SMS (sent by the scheduler)."""

    text: str
    callback_id: int | None = None  # None: the one this step's CallbackNumberTaken holds


# --- a callback placed by a counsellor ----------------------------------------------------
@dataclass(frozen=True)
class CallbackDeclined:
    """The counsellor did not take the callback: the next counsellor is tried."""

    attempt_id: int


@dataclass(frozen=True)
class CallbackCallerAnswered:
    """The caller's phone was picked up (by them or a mailbox: the counsellor says next)."""

    attempt_id: int


@dataclass(frozen=True)
class CallbackMachineAnswered:
    """A mailbox or fax took the caller's leg (answering-machine detection): it is hung up
    unheard, and the counsellor decides whether to leave the neutral message."""

    attempt_id: int


@dataclass(frozen=True)
class CallbackTalked:
    """The counsellor talked with the caller: the callback is done, the wrap-up begins."""

    attempt_id: int


Record = (
    QueueNoted
    | CallbackRequested
    | CallerLeaves
    | OfferPassed
    | CounsellorFree
    | CallbackNumberTaken
    | CallbackInLine
    | CallbackConfirmationSms
    | CallbackDeclined
    | CallbackCallerAnswered
    | CallbackMachineAnswered
    | CallbackTalked
    | ChallengeAsked
    | ChallengeFailed
    | ChallengePassed
)


def apply_records(unit: Unit, call_sid: str, records: Sequence[Record]) -> None:
    """Each record, in order, by the desk that owns what it changes (`call_sid`: the leg
    whose step returned them)."""
    callback_id: int | None = None  # held by this step's CallbackNumberTaken, once applied
    for record in records:
        match record:
            case QueueNoted(queue_sid):
                unit.routing.note_queue(call_sid, queue_sid)
            case CallbackRequested():
                unit.routing.request_callback(call_sid)
            case CallerLeaves(outcome):
                unit.routing.caller_leaves(call_sid, outcome)
            case OfferPassed(offer_id, why):
                unit.routing.let_pass(offer_id, why)
            case CounsellorFree():
                unit.routing.distribute()
            case CallbackNumberTaken(number):
                callback_id = unit.callbacks.take_number(call_sid, number)
            case CallbackInLine(named):
                in_line = _named(named, callback_id)
                unit.callbacks.book_as_soon_as_possible(in_line)
            case CallbackConfirmationSms(text, named):
                confirmed = _named(named, callback_id)
                unit.callbacks.confirm_by_sms(confirmed, text)
            case CallbackDeclined(attempt_id):
                unit.placement.counsellor_declines(attempt_id)
            case CallbackCallerAnswered(attempt_id):
                unit.placement.caller_answered(attempt_id)
            case CallbackMachineAnswered(attempt_id):
                unit.placement.machine_answered(attempt_id)
            case CallbackTalked(attempt_id):
                unit.placement.talked(attempt_id)
            case ChallengeAsked(digits):
                challenges.ask(unit.session, call_sid, digits, unit.now)
            case ChallengeFailed():
                challenges.failed(unit.session, call_sid)
            case ChallengePassed():
                challenges.passed(unit.session, call_sid, unit.now)
            case _:
                raise TypeError(f"no step records {type(record).__name__}")


def _named(named: int | None, held: int | None) -> int:
    """The callback a record names, else the one the step's CallbackNumberTaken holds."""
    callback_id = named if named is not None else held
    if callback_id is None:
        raise ValueError("a callback record without a callback: no CallbackNumberTaken before")
    return callback_id
