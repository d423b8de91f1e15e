"""What a step of a call is: plain Python from (call state, keys, clock) to (TwiML, effects).

The webhooks adapt HTTP to these types; the simulator and the tests drive the same steps.
Each flow module lists its steps (`STEPS`), each under the path it answers below
`/twilio/voice/` and for the leg it serves; `ivr_flows.step_table` gathers them once at app
start, so later issues add steps (queue, whisper, callback capture) without touching the
webhook code.

A step reads what it needs through its context (`ctx.desk.position(...)`, free slots, the
caller's number) and returns what to record (`Effects.records`, see `ivr_flows.records`);
the runner applies the records after the step, in its transaction. A step writes through a
desk itself only where the write decides what is said next: the database, not the step,
knows whether another caller or counsellor was faster. These decisions, and no others:

- `desk.queue_caller`: the line takes a caller only while someone is on duty (route);
- `desk.leg_answered`: the counsellor's leg answered, and whether the call is still
  offered to them (whisper);
- `desk.accept`: pressing 1 connects only if the caller still waits and no colleague was
  faster (whisper);
- `callbacks.book`: a seat in the chosen slot, unless another caller took the last
  (callback capture: "that time has just been taken");
- `appointments.book`: a video or phone slot, or `SlotTaken` (booking by phone);
- `appointments.cancel`: a phone appointment cancelled by phone, still booked and still the
  caller's own (phone menu);
- `placement.counsellor_accepts`: the caller's number to dial, if the callback attempt is
  still open (callback call);
- `placement.caller_unreachable`: whether and when the callback is tried again, which the
  counsellor hears (callback call).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from twilio.twiml.voice_response import VoiceResponse

from hotline.by_name import ByName
from hotline.hours.config import HoursConfig
from hotline.routing.config import RoutingConfig
from hotline.routing.desk import RoutingDesk
from hotline.telephony.call_state import CallState
from hotline.telephony.models import CallOutcome
from hotline.telephony.urls import STATUS_PATH, voice_url
from ivr_flows.records import Record
from scheduling.appointments.desk import AppointmentDesk
from scheduling.callbacks.desk import CallbackDesk
from scheduling.callbacks.placing import CallbackPlacement
from scheduling.hours.opening_hours import OpeningHours
from scheduling.unit import Unit


class Leg(StrEnum):
    """Whose phone a step speaks to; it decides how a leg unknown so far is recorded."""

    CALLER = "caller"  # the person who rang the hotline
    COUNSELLOR = "counsellor"  # a counsellor's phone the service rang (the whisper)
    CALLED_BACK = "called back"  # the caller's phone a counsellor's callback dialled


@dataclass(frozen=True)
class StepInput:
    """One request of a call, as a step sees it: `step.call.language`, `step.digits`."""

    call: CallState
    digits: str | None  # None: no <Gather> result in this request; "": the caller pressed nothing
    attempt: int  # 1 for the first time a prompt is asked, counted in the step's URL
    params: Mapping[str, str] = field(default_factory=dict)  # further Twilio parameters
    # the first step of an inbound call only: the caller's number as its keyed hashes under
    # every hash key (`hotline.abuse.hashing`); () when withheld or on any later step
    caller_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Effects:
    """What a step changes, written in the same transaction as the delivery: the records
    first, in their order, then the call's own fields."""

    language: str | None = None
    link_case_reference: str | None = None  # an existing case the caller identified
    open_new_case: bool = False  # no (valid) reference: the call gets a new case stub
    outcome: CallOutcome | None = None
    records: tuple[Record, ...] = ()


Twiml = VoiceResponse | str  # a str: TwiML rendered once and reused (`rendered_once`)


@dataclass(frozen=True)
class StepResult:
    twiml: Twiml
    effects: Effects = field(default_factory=Effects)


def rendered_once(build: Callable[..., VoiceResponse]) -> Callable[..., str]:
    """For TwiML that depends only on its arguments, such as the greeting: built and rendered
    once per distinct arguments, then reused. Every call begins with the same few documents,
    and building XML is a large share of what such a step costs."""
    render = functools.lru_cache(maxsize=64)(lambda *args: str(build(*args)))
    return functools.wraps(build)(render)


@dataclass(frozen=True)
class StepContext:
    """What a step may consult besides the call: the clock, hours, lookups and URLs."""

    now: datetime
    unit: Unit  # the operations of the step's transaction; a desk is made when first used
    hours_config: HoursConfig
    public_base_url: str
    hotline_number: str
    contact_email: str
    case_exists: Callable[[str], bool]
    routing_config: RoutingConfig

    @property
    def hours(self) -> OpeningHours:
        """Reads today's overrides: only the steps that need it pay."""
        return self.unit.hours

    @property
    def desk(self) -> RoutingDesk:
        return self.unit.routing

    @property
    def callbacks(self) -> CallbackDesk:
        return self.unit.callbacks

    @property
    def placement(self) -> CallbackPlacement:
        return self.unit.placement

    @property
    def appointments(self) -> AppointmentDesk:
        return self.unit.appointments

    def url(self, path: str, **query: object) -> str:
        """Absolute URL of a step; each distinct prompt gets a distinct URL (see idempotency)."""
        return voice_url(self.public_base_url, path, **query)

    @property
    def status_callback_url(self) -> str:
        return voice_url(self.public_base_url, STATUS_PATH)


StepHandler = Callable[[StepContext, StepInput], StepResult]


@dataclass(frozen=True)
class Step:
    """A step as the table knows it: where it answers, for whom, and what it does."""

    path: str
    handler: StepHandler
    leg: Leg = Leg.CALLER
    answers_new_call: bool = False  # the first step of an inbound call: registers the caller
    routes: bool = False  # may change who is rung: takes the routing lock before anything

    @property
    def name(self) -> str:
        return self.handler.__name__


class StepTable(ByName[Step]):
    """The steps of the service by the path they answer."""

    def __init__(self, steps: Sequence[Step]) -> None:
        super().__init__(steps, lambda step: step.path, "step")
