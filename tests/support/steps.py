"""A step called as the plain function it is: given its input and what it reads, it returns
TwiML and what to record. No app, no database: the desks are stand-ins that answer only the
reads (and decisions) a test gives them, so a step that wrote through a desk would fail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from hotline.hours.config import default_hours_config
from hotline.routing.config import RoutingConfig
from hotline.telephony.call_state import CallState
from ivr_flows.steps import StepContext, StepInput
from tests.support.times import berlin

NOW = berlin(2026, 11, 26, 10, 0)  # a Thursday, the line open
PUBLIC_BASE_URL = "https://hotline.example.org"
HOTLINE = "+498003009944"
EMAIL = "info@starkestelle.de"
CALL_SID = "CA" + "1" * 32


class Reads:
    """A desk that answers only what the test gives it: `Reads(position=2)` answers
    `position(...)` with 2 whatever it is asked; a callable answers from its arguments.
    Anything else the step asks of it (any write above all) fails the test."""

    def __init__(self, **answers: object) -> None:
        self._answers = answers

    def __getattr__(self, name: str) -> Callable[..., Any]:
        try:
            answer = self._answers[name]
        except KeyError:
            raise AssertionError(f"the step asked the desk for {name}(), not given") from None
        return answer if callable(answer) else (lambda *args, **kwargs: answer)


def step_context(
    *,
    routing: Reads | None = None,
    callbacks: Reads | None = None,
    placement: Reads | None = None,
    appointments: Reads | None = None,
    now: datetime = NOW,
) -> StepContext:
    unit = SimpleNamespace(
        routing=routing or Reads(),
        callbacks=callbacks or Reads(),
        placement=placement or Reads(),
        appointments=appointments or Reads(),
    )
    return StepContext(
        now=now,
        unit=unit,  # type: ignore[arg-type]
        hours_config=default_hours_config(),
        public_base_url=PUBLIC_BASE_URL,
        hotline_number=HOTLINE,
        contact_email=EMAIL,
        case_exists=lambda reference: False,
        routing_config=RoutingConfig(),
    )


def step_input(
    digits: str | None = None,
    *,
    language: str = "de",
    case_reference: str | None = None,
    withheld: bool = False,
    asked: int = 1,
    **params: str,
) -> StepInput:
    """One request: the keys pressed, the call as loaded, how often the prompt was `asked`
    (the step's `attempt`) and the URL's and Twilio's further parameters."""
    call = CallState(
        call_sid=CALL_SID,
        language=language,
        caller_withheld=withheld,
        case_id=1 if case_reference else None,
        case_reference=case_reference,
    )
    return StepInput(call=call, digits=digits, attempt=asked, params=params)
