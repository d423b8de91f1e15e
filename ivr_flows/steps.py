"""What a step of a call is: plain Python from (call state, keys, clock) to (TwiML, what to record).

The webhooks adapt HTTP to these types; the simulator and the tests drive the same steps.
Steps register under the path they answer below `/twilio/voice/`, so later issues add steps
(queue, callback, appointment booking) without touching the webhook code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from urllib.parse import urlencode

from twilio.twiml.voice_response import VoiceResponse

from hotline.models import CallOutcome
from scheduling.hours_config import HoursConfig
from scheduling.opening_hours import OpeningHours


@dataclass(frozen=True)
class CallState:
    """What the service knows about the call when a step runs (read from the database)."""

    call_sid: str
    language: str
    caller_withheld: bool
    case_reference: str | None


@dataclass(frozen=True)
class StepInput:
    call: CallState
    digits: str | None  # None: no <Gather> result in this request; "": the caller pressed nothing
    attempt: int  # 1 for the first time a prompt is asked, counted in the step's URL
    params: Mapping[str, str] = field(default_factory=dict)  # further Twilio parameters


@dataclass(frozen=True)
class Record:
    """What the webhook writes for a step, in the same transaction as the delivery."""

    language: str | None = None
    link_case_reference: str | None = None  # an existing case the caller identified
    open_new_case: bool = False  # no (valid) reference: the call gets a new case stub
    outcome: CallOutcome | None = None


@dataclass(frozen=True)
class StepResult:
    twiml: VoiceResponse
    record: Record = field(default_factory=Record)


@dataclass(frozen=True)
class StepContext:
    """What a step may consult besides the call: the clock, hours, lookups and URLs."""

    now: datetime
    load_hours: Callable[[], OpeningHours]  # reads overrides: only the steps that need it pay
    hours_config: HoursConfig
    public_base_url: str
    hotline_number: str
    contact_email: str
    case_exists: Callable[[str], bool]
    counsellor_numbers: Callable[[], Sequence[str]]
    # German mobile mailboxes answer after about 15 s: ring for less, so that a frightened
    # caller never lands on a counsellor's personal voicemail (until the routing issue adds a
    # whisper the counsellor must accept).
    ring_timeout_seconds: int = 14

    @cached_property
    def hours(self) -> OpeningHours:
        return self.load_hours()

    def url(self, step: str, **query: object) -> str:
        """Absolute URL of a step; each distinct prompt gets a distinct URL (see idempotency)."""
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.public_base_url}/twilio/voice/{step}{suffix}"

    @property
    def status_callback_url(self) -> str:
        return f"{self.public_base_url}/twilio/voice/status"


Step = Callable[[StepContext, StepInput], StepResult]

_STEPS: dict[str, Step] = {}


def step(path: str) -> Callable[[Step], Step]:
    """Register a step under its path below /twilio/voice/."""

    def register(function: Step) -> Step:
        if path in _STEPS:
            raise ValueError(f"step {path!r} registered twice")
        _STEPS[path] = function
        return function

    return register


def find_step(path: str) -> Step | None:
    return _STEPS.get(path)


def registered_steps() -> tuple[str, ...]:
    return tuple(sorted(_STEPS))
