"""What the caller is asked to react to: a `<Gather>` waiting for keys, a `<Dial>` ringing out.

Callers (scripted or interactive) see these, not raw XML, so a script reads like the call.
"""

from __future__ import annotations

from dataclasses import dataclass

DIAL_OUTCOMES = frozenset({"completed", "no-answer", "busy", "failed", "canceled"})
KEYPAD = frozenset("0123456789*#")


def check_dial_outcome(outcome: str) -> str:
    """The outcome unchanged, or ValueError naming the outcomes a `<Dial>` can have."""
    if outcome not in DIAL_OUTCOMES:
        raise ValueError(f"dial outcome {outcome!r}: one of {', '.join(sorted(DIAL_OUTCOMES))}")
    return outcome


@dataclass(frozen=True)
class GatherPrompt:
    """A `<Gather>` after its nested prompts were heard, with Twilio's defaults applied."""

    action: str
    method: str = "POST"
    timeout: int = 5
    num_digits: int | None = None
    finish_on_key: str = "#"
    action_on_empty_result: bool = False
    input: str = "dtmf"
    prompts: tuple[str, ...] = ()  # the texts of nested <Say>s, for a caller who wants to read them

    def describe(self) -> str:
        heard = " / ".join(self.prompts) or "no prompt"
        return f"<Gather> for {self.action} ({heard})"


@dataclass(frozen=True)
class DialTarget:
    """One noun of a `<Dial>`: a `<Number>`, `<Client>`, `<Queue>`, `<Sip>` or a bare number."""

    kind: str  # "number", "client", "queue", "sip", "conference", ...
    value: str
    url: str | None = None  # whisper TwiML for the called party (resolved)
    method: str = "POST"
    status_callback: str | None = None  # resolved
    status_callback_events: tuple[str, ...] = ()
    status_callback_method: str = "POST"
    machine_detection: str | None = None  # "Enable", "DetectMessageEnd": AnsweredBy is sent


@dataclass(frozen=True)
class DialPrompt:
    """A `<Dial>` about to ring; the caller decides how the far end answers."""

    targets: tuple[DialTarget, ...]
    action: str | None = None  # resolved
    method: str = "POST"
    timeout: int = 30
    caller_id: str | None = None
    record: str | None = None

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(target.value for target in self.targets if target.kind == "number")
