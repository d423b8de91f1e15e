"""The retention sweep: what is due is deleted with set-based statements, and only counted.

Each rule is one UPDATE or DELETE over every due row at once (no rows loaded into Python), so
that a sweep stays fast with hundreds of thousands of calls, and each rule group commits on its
own: a sweep cut short leaves the rest to the next run, which finds it still due. Running the
sweep twice changes nothing the second time.

What stays: a call's times and outcome, a callback's and an appointment's state and times, a
closed case's status, federal state, topic and dates, the kinds and times of its timeline and
the audit log; the statistics are drawn from these, none of them names a person. A timeline
entry is stored as its kind and parameters (no prose): anonymising it clears the parameters,
so it no longer says anything.

Twilio keeps its own record of every call leg and SMS (numbers, times, texts): once a call's or
an SMS's contact period is over, the sweep asks Twilio to delete it (`delete_twilio_record`
work, sent by the scheduler; `hotline.retention.twilio_records`), at most
`TWILIO_BATCHES` × `TWILIO_BATCH` a run, the rest in the next.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Delete,
    Update,
    and_,
    delete,
    func,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackState
from hotline.cases.events import CaseEvent
from hotline.cases.models import Case, CaseStatus
from hotline.crypto import DataCipher
from hotline.db import Database
from hotline.outbox.models import WorkItem, WorkState
from hotline.referrals.models import Referral
from hotline.retention.config import RetentionConfig
from hotline.retention.twilio_records import (
    ask_to_delete_calls,
    ask_to_delete_messages,
    calls_to_delete,
    messages_to_delete,
)
from hotline.staff.accounts import prune_login_throttles
from hotline.staff.sessions import prune_sessions
from hotline.telephony.models import Call, WebhookEvent

# Callbacks no longer waiting for an attempt: their number has had its last use. A booked or
# calling one still needs it, however old it is.
FINAL_CALLBACK_STATES = (
    CallbackState.DONE,
    CallbackState.FAILED,
    CallbackState.CANCELED,
    CallbackState.DRAFT,
)
TWILIO_BATCH = 500  # deletions queued per statement
TWILIO_BATCHES = 20  # per kind and run: a first run after years of calls stays short


@dataclass(frozen=True)
class RetentionCounts:
    """How many rows each rule changed: what the log and the command show (never the rows)."""

    call_numbers: int = 0
    callback_numbers: int = 0
    appointment_contacts: int = 0
    work_payloads: int = 0
    cases_anonymised: int = 0
    case_event_texts: int = 0
    referral_outcomes: int = 0
    webhook_events: int = 0
    staff_sessions: int = 0
    login_failures: int = 0
    twilio_records: int = 0  # Twilio asked to delete its records of calls and SMS

    def as_fields(self) -> dict[str, int]:
        """For `extra=` of a log line and for the command's output, in a fixed order."""
        return asdict(self)


def sweep(
    database: Database, now: datetime, config: RetentionConfig, cipher: DataCipher
) -> RetentionCounts:
    """Delete the contact details, anonymise the closed cases and prune the webhook log that
    are due at `now`, and ask Twilio to delete its records of the calls and SMS whose contact
    period is over; one transaction per group of rules."""
    contact_cutoff = now - config.contact_period
    with database.transaction() as session:
        contacts = {
            "call_numbers": forget_call_numbers(session, contact_cutoff),
            "callback_numbers": forget_callback_numbers(session, contact_cutoff),
            "appointment_contacts": forget_appointment_contacts(session, contact_cutoff),
            "work_payloads": forget_dead_work_payloads(session, contact_cutoff),
        }
    with database.transaction() as session:
        cases = anonymise_closed_cases(session, now, now - config.closed_case_period)
    with database.transaction() as session:
        webhook_events = prune_webhook_log(session, now - config.webhook_log_period)
    with database.transaction() as session:
        # sessions and login failures: the console's own traces, kept no longer than useful
        staff_sessions = prune_sessions(session, now)
        login_failures = prune_login_throttles(session, now)
    return RetentionCounts(
        **contacts,
        **cases,
        webhook_events=webhook_events,
        staff_sessions=staff_sessions,
        login_failures=login_failures,
        twilio_records=ask_twilio_to_delete(database, cipher, now, contact_cutoff),
    )


def ask_twilio_to_delete(
    database: Database, cipher: DataCipher, now: datetime, cutoff: datetime
) -> int:
    """Twilio's records of the calls and SMS over since before `cutoff`, asked once each; a
    transaction per batch. How many were asked for."""
    asked = 0
    for find, ask in (
        (calls_to_delete, ask_to_delete_calls),
        (messages_to_delete, ask_to_delete_messages),
    ):
        for _ in range(TWILIO_BATCHES):
            with database.transaction() as session:
                rows = find(session, cutoff, TWILIO_BATCH)
                asked += ask(session, cipher, now, rows)
            if len(rows) < TWILIO_BATCH:
                break
    return asked


def forget_call_numbers(session: Session, cutoff: datetime) -> int:
    """Callers' numbers of calls that ended (or, never having ended, started) before `cutoff`."""
    last_use = func.coalesce(Call.ended_at, Call.started_at)
    return _changed(
        session,
        update(Call)
        .where(
            Call.caller_number_encrypted.is_not(None),
            Call.started_at < cutoff,  # implied by the next line; lets the index on it help
            last_use < cutoff,
        )
        .values(caller_number_encrypted=None, caller_hash=None),
    )


def forget_callback_numbers(session: Session, cutoff: datetime) -> int:
    """Numbers of callbacks that are over (or never got a time) since before `cutoff`."""
    last_use = func.coalesce(Callback.ended_at, Callback.updated_at)
    return _changed(
        session,
        update(Callback)
        .where(
            Callback.number_encrypted.is_not(None),
            Callback.state.in_(FINAL_CALLBACK_STATES),
            last_use < cutoff,
        )
        .values(number_encrypted=None, number_hash=None),
    )


def forget_appointment_contacts(session: Session, cutoff: datetime) -> int:
    """Name, address and number of appointments that ended, or were cancelled, before
    `cutoff`: what `Appointment.forget_contact()` clears, for every due row at once."""
    canceled = Appointment.state == AppointmentState.CANCELED
    over: ColumnElement[bool] = or_(
        and_(~canceled, Appointment.end < cutoff),
        and_(canceled, func.coalesce(Appointment.canceled_at, Appointment.updated_at) < cutoff),
    )
    return _changed(
        session,
        update(Appointment)
        .where(
            or_(
                Appointment.name_encrypted.is_not(None),
                Appointment.email_encrypted.is_not(None),
                Appointment.phone_encrypted.is_not(None),
            ),
            over,
        )
        .values(
            name_encrypted=None,
            email_encrypted=None,
            phone_encrypted=None,
            email_hash=None,
            phone_hash=None,
        ),
    )


def forget_dead_work_payloads(session: Session, cutoff: datetime) -> int:
    """Payloads (numbers, addresses, texts) of work that gave up before `cutoff`. Done and
    cancelled work loses its payload at once; a dead item keeps it for `hotline work retry`,
    which after the contact period would reach someone whose details are gone elsewhere."""
    return _changed(
        session,
        update(WorkItem)
        .where(
            WorkItem.state == WorkState.DEAD,
            WorkItem.payload_encrypted.is_not(None),
            func.coalesce(WorkItem.finished_at, WorkItem.updated_at) < cutoff,
        )
        .values(payload_encrypted=None),
    )


def anonymise_closed_cases(session: Session, now: datetime, cutoff: datetime) -> dict[str, int]:
    """Cases closed before `cutoff` lose their notes, what their timeline says (its entries'
    parameters) and the outcomes of their referrals' follow-ups; `anonymised_at` marks them,
    so each case is done once. Status, federal state, topic, dates and the kinds of events stay."""
    cases = _changed(
        session,
        update(Case)
        .where(
            Case.status == CaseStatus.CLOSED,
            Case.closed_at < cutoff,
            Case.anonymised_at.is_(None),
        )
        .values(notes_encrypted=None, anonymised_at=now),
    )
    if not cases:
        return {"cases_anonymised": 0, "case_event_texts": 0, "referral_outcomes": 0}
    # the cases this sweep marked (a case reopened later keeps its new timeline)
    marked_now = select(Case.id).where(Case.anonymised_at == now)
    events = _changed(
        session,
        update(CaseEvent)
        .where(CaseEvent.case_id.in_(marked_now), CaseEvent.params.is_not(None))
        .values(params=null()),
    )
    referrals = _changed(
        session,
        update(Referral)
        .where(Referral.case_id.in_(marked_now), Referral.follow_up_outcome_encrypted.is_not(None))
        .values(follow_up_outcome_encrypted=None),
    )
    return {"cases_anonymised": cases, "case_event_texts": events, "referral_outcomes": referrals}


def prune_webhook_log(session: Session, cutoff: datetime) -> int:
    """Twilio deliveries received before `cutoff`, with the answers kept for repeats."""
    return _changed(session, delete(WebhookEvent).where(WebhookEvent.received_at < cutoff))


def _changed(session: Session, statement: Update | Delete) -> int:
    """Run a bulk UPDATE or DELETE as plain SQL on the session's connection: the ORM's
    bulk-update bookkeeping ("synchronize_session") would only cost time here."""
    return session.connection().execute(statement).rowcount
