"""Runs one step of a call: loads the leg's state, asks the step, applies its effects (what
it records, in order, then the call's own fields).

The webhook hands over what it parsed from Twilio's request (`StepRequest`) and a session
inside its delivery transaction; the runner does the call logic and returns the TwiML. It
knows no HTTP, so the tests and the simulator can drive it directly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from hotline.cases.service import case_for_call, find_linkable_case
from hotline.db import Database
from hotline.routing.lock import hold_routing_lock
from hotline.sections_config import SchedulingConfig
from hotline.telephony.call_state import (
    CallState,
    call_for_step,
    call_state,
    register_inbound_call,
    update_call,
)
from hotline.telephony.models import CallDirection, CallOutcome
from hotline.telephony.phone_numbers import is_withheld
from ivr_flows.prompts import LANGUAGES
from ivr_flows.records import apply_records
from ivr_flows.steps import Effects, Leg, Step, StepContext, StepInput, StepTable
from scheduling.unit import Units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepRequest:
    """One Twilio request for a step, validated by the webhook; phone numbers stripped."""

    call_sid: str
    digits: str | None = None
    attempt: int = 1
    caller: str | None = None  # `From`: kept (encrypted) only when an inbound call starts
    direction: CallDirection | None = None  # Twilio's word for the leg, when it sent one
    parent_call_sid: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FlowSettings:
    """What steps say and link to: URLs, the hotline's number, the e-mail address. The time
    settings they follow (hours, routing, callbacks) are the units of work's (`runner.units`)."""

    public_base_url: str
    hotline_number: str
    contact_email: str


@dataclass
class StepTrace:
    """What the runner learnt before something failed: the caller's language, for the
    apology (both languages while it is unknown)."""

    languages: tuple[str, ...] = LANGUAGES


@dataclass(frozen=True)
class StepOutcome:
    twiml: str
    call: CallState
    effects: Effects


class CallFlowRunner:
    """The call logic between a webhook and the steps."""

    def __init__(self, steps: StepTable, settings: FlowSettings, units: Units) -> None:
        self.steps = steps
        self.settings = settings
        self.units = units
        self._cipher = units.cipher

    @property
    def scheduling(self) -> SchedulingConfig:
        """The time settings steps follow: the one configuration of the units of work."""
        return self.units.config

    def find(self, path: str) -> Step | None:
        return self.steps.find(path)

    def run(
        self,
        session: Session,
        now: datetime,
        step: Step,
        request: StepRequest,
        trace: StepTrace | None = None,
    ) -> StepOutcome:
        """One step inside the caller's transaction; raises whatever goes wrong."""
        if step.routes:  # first, before this transaction holds any row (`routing.lock`)
            hold_routing_lock(session)
        caller_hashes = self._caller_hashes(step, request)
        call = self._load_call(session, now, step, request, caller_hashes)
        if trace is not None:
            trace.languages = (call.language,)
        step_input = StepInput(
            call=call,
            digits=request.digits,
            attempt=request.attempt,
            params=request.params,
            caller_hashes=caller_hashes,
        )
        context = self._context(session, now)
        result = step.handler(context, step_input)
        self._apply(context, call, result.effects)
        return StepOutcome(str(result.twiml), call, result.effects)

    def record_failure(self, database: Database, now: datetime, call_sid: str) -> None:
        """Mark the call as failed, best effort: the caller has the answer already, and the
        database may be the reason it failed."""
        try:
            with database.best_effort() as session:
                if call_state(session, call_sid) is None:  # failed before its first step
                    call_for_step(session, call_sid, now, direction=CallDirection.INBOUND)
                update_call(session, call_sid, outcome=CallOutcome.TECHNICAL_FAILURE)
        except Exception:
            log.exception("could not record the failure", extra={"call_sid": call_sid})

    def _caller_hashes(self, step: Step, request: StepRequest) -> tuple[str, ...]:
        """The caller's number as its keyed hashes, on the first step of an inbound call."""
        if not step.answers_new_call or is_withheld(request.caller):
            return ()
        assert request.caller is not None
        return self.units.hasher.number_hashes(request.caller)

    def _load_call(
        self,
        session: Session,
        now: datetime,
        step: Step,
        request: StepRequest,
        caller_hashes: tuple[str, ...],
    ) -> CallState:
        if step.answers_new_call:
            return register_inbound_call(
                session,
                request.call_sid,
                request.caller,
                self._cipher,
                now,
                caller_hashes[0] if caller_hashes else None,
            )
        return call_for_step(
            session,
            request.call_sid,
            now,
            direction=request.direction or _assumed_direction(step),
            parent_call_sid=request.parent_call_sid,
        )

    def _context(self, session: Session, now: datetime) -> StepContext:
        settings = self.settings
        return StepContext(
            now=now,
            unit=self.units.within(session, now=now),
            hours_config=self.scheduling.hours,
            public_base_url=settings.public_base_url,
            hotline_number=settings.hotline_number,
            contact_email=settings.contact_email,
            case_exists=lambda reference: find_linkable_case(session, reference) is not None,
            routing_config=self.scheduling.routing,
        )

    @staticmethod
    def _apply(context: StepContext, call: CallState, effects: Effects) -> None:
        """What the step records, in its order, then the call's own fields; all in the
        step's transaction, which the webhook's delivery record closes."""
        unit = context.unit
        if effects.records:
            apply_records(unit, call.call_sid, effects.records)
        fields: dict[str, object] = {}
        if effects.language in LANGUAGES and effects.language != call.language:
            fields["language"] = effects.language
        if (effects.link_case_reference or effects.open_new_case) and call.case_id is None:
            fields["case_id"] = case_for_call(unit.session, effects.link_case_reference, unit.now)
        if effects.outcome is not None:
            fields["outcome"] = effects.outcome
        update_call(unit.session, call.call_sid, **fields)


def _assumed_direction(step: Step) -> CallDirection:
    """When Twilio did not say: a caller's step serves an inbound call, a counsellor's a leg
    the service dialled."""
    return CallDirection.INBOUND if step.leg == Leg.CALLER else CallDirection.OUTBOUND_DIAL
