"""`hotline simulate --callback ID`: a callback the last simulated call booked, played as it
falls due, on the simulation's own database (`simulation_database`).

The scheduler's due work places it, and the person at the terminal (or --keys) is the
counsellor whose phone rings; the caller's side is how the dialled caller answers (--callee).
A counsellor who lets it pass is followed by the next one the service rings, played the same
way. That database holds no work but the simulated call's own: what else falls due is that
call's (an SMS, a mail), printed; counsellors it rings do not answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import parse_qs, urlsplit

import click
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from hotline.app import scheduling_config
from hotline.callbacks.models import (
    OPEN_CALLBACK_STATES,
    Callback,
    CallbackAttempt,
    CallbackState,
)
from hotline.callbacks.wording import STATE_NAMES
from hotline.callbacks.work import PLACE_CALLBACK
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cli.callbacks import UNREADABLE
from hotline.cli.hours import local_label
from hotline.cli.simulation import TEXTS, in_process_dispatcher, scripted_caller
from hotline.cli.support import masked_number
from hotline.clock import FixedClock
from hotline.outbox.models import CLAIMABLE, WorkItem
from hotline.plurals import Counted
from hotline.services import services
from hotline.simulator import (
    CALLEE_DIAL_PROMPT,
    CallbackGateway,
    CallbackLegs,
    Caller,
    FixedDialOutcome,
    FlaskClientTransport,
    InteractiveCaller,
    Switchboard,
    format_callback_event,
)
from hotline.telephony.gateway import OutboundCall

# --callee: how the caller answers the counsellor's <Dial> (a mailbox answers, too)
CALLEE_OUTCOMES = {
    "answer": "completed",
    "busy": "busy",
    "no-answer": "no-answer",
    "mailbox": "completed",
}
# what answering-machine detection hears when the dialled phone picks up
CALLEE_ANSWERED_BY = {"mailbox": "machine_end_beep"}
MAX_DISPATCH_ROUNDS = 20  # due work making more work due at once: a guard, not a limit met


def _counsellor(keys: str | None, callee: str | None, callback_id: int) -> Caller:
    """The counsellor's keys: a script with --keys, else the person at the terminal. The
    caller's answer: --callee, else asked at the terminal (answered, with a script)."""
    answered_by = CALLEE_ANSWERED_BY.get(callee or "", "human")
    if keys is not None:
        outcome = CALLEE_OUTCOMES[callee or "answer"]
        return FixedDialOutcome(scripted_caller(keys), outcome, answered_by)
    click.echo(TEXTS["counsellor_intro"].format(id=callback_id))
    person = InteractiveCaller(dial_prompt=CALLEE_DIAL_PROMPT)
    if callee:
        return FixedDialOutcome(person, CALLEE_OUTCOMES[callee], answered_by)
    return person


@dataclass(frozen=True)
class CallbackFacts:
    """A callback as the operator is told about it; the number only masked."""

    id: int
    state: str
    due_at: datetime | None
    attempts: int
    case_reference: str | None
    masked_number: str | None  # None: deleted


def play_callback(
    app: Flask, callback_id: int, at: datetime | None, keys: str | None, callee: str | None
) -> None:
    """The scheduler's due work places the callback; each counsellor leg it rings is played;
    then what became of the callback."""
    svc = services(app)
    before = _callback_facts(app, callback_id)
    counsellor = _counsellor(keys, callee, callback_id)
    clock = FixedClock(at or _due_or_now(app, before))
    svc.clock = clock
    transport = FlaskClientTransport(
        app.test_client(), svc.settings.twilio_auth_token, svc.settings.public_base_url
    )
    gateway = CallbackGateway(Switchboard(transport, ()), _rings_for(app, callback_id))
    dispatcher = in_process_dispatcher(app, gateway)
    done: list[int] = []  # the work rows the dispatcher did, to explain what happened

    def dispatch() -> None:
        outcomes = dispatcher.dispatch_until_idle(max_rounds=MAX_DISPATCH_ROUNDS)
        done.extend(outcome.item_id for outcome in outcomes)

    legs = CallbackLegs(
        transport,
        counsellor,
        gateway,
        dispatch=dispatch,
        clock=clock.now,
        advance_clock=clock.advance,
        on_event=lambda event: click.echo(
            format_callback_event(event, mailbox=callee == "mailbox")
        ),
    )
    try:
        run = legs.run()
    finally:
        dispatcher.close()
    if not run.legs:
        raise click.ClickException(_why_nobody_was_rung(app, callback_id, done, clock.now()))
    _summarise_callback(app, callback_id, clock.now())
    if run.application_errors:
        raise click.ClickException("the callback hit an application error (see above)")


def _callback_facts(app: Flask, callback_id: int) -> CallbackFacts:
    """The callback, if a simulated call booked it and it is open (booked, or an attempt
    under way); else a clear error."""
    facts = _read_callback(app, callback_id)
    if facts is None:
        raise click.ClickException(
            TEXTS["no_such_callback"].format(id=callback_id, path=_simulation_file(app))
        )
    if not _booked_by_a_simulated_call(app, callback_id):
        raise click.ClickException(TEXTS["copied_callback"].format(id=callback_id))
    if facts.state not in OPEN_CALLBACK_STATES:
        raise click.ClickException(
            f"callback {callback_id} is not open ({facts.state}): only a booked callback, "
            "or one being called, can be played"
        )
    return facts


def _simulation_file(app: Flask) -> str:
    return make_url(services(app).settings.database_url).database or "?"


def _booked_by_a_simulated_call(app: Flask, callback_id: int) -> bool:
    """A callback booked on a simulated call has its work here; one whose place was copied
    from the service's database has none."""
    with services(app).database.transaction() as session:
        work = session.scalar(
            select(WorkItem.id)
            .where(WorkItem.idempotency_key.like(f"callback:{callback_id}:%"))
            .limit(1)
        )
    return work is not None


def _read_callback(app: Flask, callback_id: int) -> CallbackFacts | None:
    svc = services(app)
    with svc.database.transaction() as session:
        row = session.execute(
            select(
                Callback.state,
                Callback.due_at,
                Callback.attempts,
                Callback.number_encrypted,
                Case.reference,
            )
            .outerjoin(Case, Case.id == Callback.case_id)
            .where(Callback.id == callback_id)
        ).one_or_none()
    if row is None:
        return None
    masked = None
    if row.number_encrypted is not None:
        masked = masked_number(svc.cipher, row.number_encrypted, unreadable=UNREADABLE)
    return CallbackFacts(callback_id, row.state, row.due_at, row.attempts, row.reference, masked)


def _due_or_now(app: Flask, callback: CallbackFacts) -> datetime:
    """An operator playing a callback wants it due: when its next work falls due (its time,
    or a later look for a free counsellor), or now when that has passed (as the scheduler
    would place an overdue callback now)."""
    now = services(app).clock.now()
    due = _placement_work(app, callback.id, [])[1] or callback.due_at
    return max(due, now) if due is not None else now


def _rings_for(app: Flask, callback_id: int) -> Callable[[OutboundCall], bool]:
    """Whether a call the service places rings a counsellor for this callback: its status
    callback names the work (`?work=ID`) an attempt of the callback rang with."""
    svc = services(app)

    def wanted(call: OutboundCall) -> bool:
        work = parse_qs(urlsplit(call.status_callback_url).query).get("work", [""])[0]
        if not work.isdigit():
            return False
        with svc.database.transaction() as session:
            attempt = session.scalar(
                select(CallbackAttempt.id).where(
                    CallbackAttempt.callback_id == callback_id,
                    CallbackAttempt.ring_work_id == int(work),
                )
            )
        return attempt is not None

    return wanted


def _why_nobody_was_rung(app: Flask, callback_id: int, done: list[int], now: datetime) -> str:
    """The error when no counsellor's phone rang: what the callback's due work said, or when
    it falls due."""
    tz = scheduling_config(app).hours.timezone
    outcomes, next_due = _placement_work(app, callback_id, done)
    prefix = f"callback {callback_id}"
    if outcomes and outcomes[-1] == "nobody free":
        again = f"; the scheduler looks again at {_typed(next_due, tz)}" if next_due else ""
        return (
            f"{prefix}: nobody free – no counsellor is on duty, free and available at "
            f"{_typed(now, tz)}{_rung_already(app, callback_id)} (`hotline counsellor list`)"
            f"{again}"
        )
    if outcomes and outcomes[-1].startswith("moved to"):
        return (
            f"{prefix}: the line is closed at {_typed(now, tz)}; the callback was moved to the "
            f"next opening, {_typed(next_due, tz)} (`hotline simulate --callback "
            f"{callback_id}` plays it then)"
        )
    if outcomes:
        return f"{prefix}: no counsellor was rung ({outcomes[-1]})"
    if next_due is not None and next_due > now:
        return f"{prefix} is not due until {_typed(next_due, tz)}: give a later --at, or none"
    return f"{prefix}: none of its work is due"


def _rung_already(app: Flask, callback_id: int) -> str:
    """The counsellors an open attempt rang already: the service does not ring them again."""
    with services(app).database.transaction() as session:
        attempt = session.execute(
            select(CallbackAttempt.number, CallbackAttempt.counsellors_tried)
            .where(CallbackAttempt.callback_id == callback_id, CallbackAttempt.ended_at.is_(None))
            .order_by(CallbackAttempt.number.desc())
            .limit(1)
        ).one_or_none()
    if attempt is None or not attempt.counsellors_tried:
        return ""
    tried = attempt.counsellors_tried.replace(",", ", ")
    return f" who attempt {attempt.number} has not rung yet (it rang ids {tried})"


def _placement_work(
    app: Flask, callback_id: int, done: list[int]
) -> tuple[list[str], datetime | None]:
    """What the callback's `place_callback` work done now reported, in order, and when its
    next one is due."""
    of_callback = (
        WorkItem.kind == PLACE_CALLBACK,
        WorkItem.idempotency_key.like(f"callback:{callback_id}:attempt:%"),
    )
    with services(app).database.transaction() as session:
        outcomes = session.scalars(
            select(WorkItem.reference)
            .where(*of_callback, WorkItem.id.in_(done), WorkItem.reference.is_not(None))
            .order_by(WorkItem.finished_at, WorkItem.id)
        ).all()
        next_due = session.scalar(
            select(func.min(WorkItem.due_at)).where(*of_callback, WorkItem.state.in_(CLAIMABLE))
        )
    return [outcome for outcome in outcomes if outcome], next_due


def _summarise_callback(app: Flask, callback_id: int, now: datetime) -> None:
    tz = scheduling_config(app).hours.timezone
    facts = _read_callback(app, callback_id)
    if facts is None:
        return
    _, next_due = _placement_work(app, callback_id, [])
    reference = display_case_reference(facts.case_reference) if facts.case_reference else "–"
    number = (
        TEXTS["number"].format(number=facts.masked_number)
        if facts.masked_number
        else TEXTS["number_deleted"]
    )
    click.echo("")
    click.echo(
        TEXTS["callback_summary"].format(
            id=callback_id,
            state=_state_text(facts, next_due, now, tz),
            attempts=Counted(facts.attempts),
            reference=reference,
            number=number,
        )
    )
    if facts.state == CallbackState.BOOKED:
        click.echo(TEXTS["next_attempt"].format(id=callback_id))


def _state_text(facts: CallbackFacts, next_due: datetime | None, now: datetime, tz: tzinfo) -> str:
    if facts.state == CallbackState.DONE:
        return TEXTS["done"]
    if facts.state == CallbackState.FAILED:
        return TEXTS["failed"]
    if facts.state == CallbackState.BOOKED and facts.due_at is not None:
        return TEXTS["due_again"].format(when=_local_time(facts.due_at, now, tz))
    if facts.state == CallbackState.CALLING and next_due is not None:
        return TEXTS["waiting_for_a_counsellor"].format(when=_local_time(next_due, now, tz))
    return STATE_NAMES.get(facts.state, facts.state)


def _local_time(at: datetime, now: datetime, tz: tzinfo) -> str:
    """ "um 10:15 Uhr" today, else "am Montag, 30.11.2026, 09:00 Uhr"."""
    if at.astimezone(tz).date() == now.astimezone(tz).date():
        return TEXTS["today_at"].format(at=at.astimezone(tz))
    return TEXTS["on_day"].format(day=local_label(at, tz))


def _typed(at: datetime | None, tz: tzinfo) -> str:
    """A time as --at takes it (local)."""
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M}" if at is not None else "-"
