"""What happened on a simulated call, in order: the events a caller hears and the requests made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from hotline.simulator.prompts import DialPrompt, GatherPrompt


class EventKind(StrEnum):
    REQUEST = "request"
    SAY = "say"
    PLAY = "play"
    PAUSE = "pause"
    GATHER = "gather"
    KEYS = "keys"
    REDIRECT = "redirect"
    DIAL = "dial"
    DIAL_RESULT = "dial result"
    WHISPER = "whisper"
    LEG_STATUS = "leg status"
    ENQUEUE = "enqueue"
    BRIDGED = "bridged"  # a counsellor took the waiting caller's call
    COUNSELLOR = "counsellor"  # the counsellors' side: rung, heard, pressed, ended
    UNSUPPORTED = "unsupported"
    WARNING = "warning"
    APPLICATION_ERROR = "application error"
    LOOP_GUARD = "loop guard"
    END = "end"


class EndedBy(StrEnum):
    HANGUP_VERB = "hangup verb"
    END_OF_DOCUMENT = "end of document"
    CALLER = "caller"
    APPLICATION_ERROR = "application error"
    LOOP_GUARD = "loop guard"


APPLICATION_ERROR_MESSAGE = "We are sorry, an application error has occurred. Goodbye."


@dataclass(frozen=True)
class CallEvent:
    """One thing that happened; `attributes` holds the verb's relevant attributes as strings."""

    kind: EventKind
    text: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    url: str | None = None
    gather: GatherPrompt | None = None
    dial: DialPrompt | None = None


class RequestRecord(NamedTuple):
    """A request the simulated Twilio made; status 0 when the server could not be reached."""

    method: str
    url: str
    params: dict[str, str]
    status: int


@dataclass
class Transcript:
    """The whole call; tests assert on it, the CLI prints its events as they happen."""

    call_sid: str
    events: list[CallEvent] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    ended_by: EndedBy | None = None
    call_status: str | None = None
    duration_seconds: int = 0

    def of_kind(self, kind: EventKind) -> list[CallEvent]:
        return [event for event in self.events if event.kind == kind]

    @property
    def spoken_text(self) -> str:
        """Every `<Say>` the caller heard (also inside `<Gather>` and hold music), one per line."""
        return "\n".join(event.text for event in self.of_kind(EventKind.SAY))

    def said(self, text: str) -> bool:
        """Whether the caller heard `text` within one `<Say>` (whitespace-insensitive)."""
        wanted = " ".join(text.split())
        return any(wanted in event.text for event in self.of_kind(EventKind.SAY))

    @property
    def application_errors(self) -> list[CallEvent]:
        return self.of_kind(EventKind.APPLICATION_ERROR)

    @property
    def dials(self) -> list[DialPrompt]:
        return [event.dial for event in self.of_kind(EventKind.DIAL) if event.dial is not None]

    @property
    def gathers(self) -> list[GatherPrompt]:
        return [event.gather for event in self.of_kind(EventKind.GATHER) if event.gather]

    @property
    def counsellor_events(self) -> list[CallEvent]:
        """What happened on the counsellors' phones, in order (simulated by a switchboard)."""
        return self.of_kind(EventKind.COUNSELLOR)
