"""A case's data handed out on request (DSGVO Art. 15): one ZIP archive with everything the
service holds for the case — as JSON (`<file>.json`) and as a readable German summary
(`<file>.html`, from `disclosure_templates/summary.html`) — its contact details decrypted for
this archive only. It reads only rows of the case (and of the cases merged into it, whose rows
moved to it): nothing of any other case.

What it leaves out on purpose: link secrets and video rooms (the archive may be mailed; a
link in it would open the booking to anyone who reads it), Twilio's SIDs and the names of the
staff who worked on it. The audit log records who handed it out and why, in the transaction
that read it."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.appointments.models import Appointment
from hotline.appointments.wording import KIND_NAMES, STATE_NAMES
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.callbacks.models import Callback, CallbackAttempt
from hotline.callbacks.wording import STATE_NAMES as CALLBACK_STATE_NAMES
from hotline.cases.models import Case
from hotline.cases.references import display_case_reference
from hotline.cases.referrals import referrals_of
from hotline.cases.timeline import timeline
from hotline.cases.vocabulary import FEDERAL_STATES, REGIONS, STATUS_NAMES, TOPICS
from hotline.cases.wording import CALL_OUTCOMES
from hotline.crypto import DataCipher
from hotline.outbox.models import WorkItem
from hotline.outbox.wording import KIND_NAMES as WORK_KIND_NAMES
from hotline.outbox.wording import STATE_NAMES as WORK_STATE_NAMES
from hotline.plurals import counted
from hotline.retention.erasure import check_admin, check_case, checked_reason
from hotline.telephony.models import Call, CallDirection
from hotline.texts import text

# the work rows that told the person something (what was sent, when; their texts are gone)
NOTICES = ("send_sms", "send_mail")


@dataclass(frozen=True)
class Disclosure:
    filename: str  # "auskunft-12345678.zip"
    archive: bytes


def export_case(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    case: Case,
    staff_id: int | None,
    reason: object,
    tz: tzinfo,
) -> Disclosure:
    """The archive for an admin who states why; audited in this transaction (ErasureRefused
    when the account is no admin's, the reason is missing or the case was erased or merged)."""
    check_admin(session, staff_id)
    check_case(session, case)
    why = checked_reason(reason)
    held = case_data(session, cipher, case, now)
    name = text("rights.export.file", reference=case.reference)
    page = summary_html(held, tz)
    record(
        session,
        now,
        staff_id,
        AuditAction.EXPORTED,
        case_id=case.id,
        message=AuditMessage.CASE_EXPORTED,
        params={"why": why},
    )
    return Disclosure(f"{name}.zip", _zipped(name, held, page, now))


def case_data(session: Session, cipher: DataCipher, case: Case, now: datetime) -> dict[str, Any]:
    """Everything held for the case, as JSON-ready values (times in UTC, ISO 8601)."""
    merged = session.scalars(select(Case).where(Case.merged_into_id == case.id)).all()
    return {
        "exported_at": _iso(now),
        "case": {
            "reference": case.reference,
            "status": case.status,
            "federal_state": case.federal_state,
            "topic": case.topic,
            "notes": _opened(cipher, case.notes_encrypted),
            "created_at": _iso(case.created_at),
            "updated_at": _iso(case.updated_at),
            "closed_at": _iso(case.closed_at),
            "anonymised_at": _iso(case.anonymised_at),
            "merged_from": [other.reference for other in merged],
        },
        "calls": _calls(session, cipher, case.id),
        "callbacks": _callbacks(session, cipher, case.id),
        "appointments": _appointments(session, cipher, case.id),
        "referrals": [
            {
                "offer": shown.offer.name,
                "offer_region": shown.offer.region,
                "offer_contact": shown.offer.contact,
                "referred_on": _iso(shown.referral.referred_on),
                "follow_up_on": _iso(shown.referral.follow_up_on),
                "follow_up_done_at": _iso(shown.referral.follow_up_done_at),
                "follow_up_outcome": shown.outcome,
            }
            for shown in referrals_of(session, cipher, case.id)
        ],
        "timeline": [
            {"at": _iso(entry.at), "kind": entry.kind, "text": entry.text}
            for entry in reversed(timeline(session, case.id))
        ],
        "notices": [
            {
                "kind": work.kind,
                "state": work.state,
                "due_at": _iso(work.due_at),
                "finished_at": _iso(work.finished_at),
            }
            for work in session.scalars(
                select(WorkItem)
                .where(WorkItem.case_id == case.id, WorkItem.kind.in_(NOTICES))
                .order_by(WorkItem.due_at, WorkItem.id)
            )
        ],
    }


def _calls(session: Session, cipher: DataCipher, case_id: int) -> list[dict[str, Any]]:
    calls = session.scalars(
        select(Call)
        .where(Call.case_id == case_id, Call.direction == CallDirection.INBOUND)
        .order_by(Call.started_at, Call.id)
    )
    return [
        {
            "started_at": _iso(call.started_at),
            "answered_at": _iso(call.answered_at),
            "queued_at": _iso(call.queued_at),
            "queue_left_at": _iso(call.queue_left_at),
            "connected_at": _iso(call.connected_at),
            "ended_at": _iso(call.ended_at),
            "wait_seconds": _wait(call),
            "duration_seconds": call.duration_seconds,
            "outcome": call.outcome,
            "language": call.language,
            "caller_withheld": call.caller_withheld,
            "caller_number": _opened(cipher, call.caller_number_encrypted),
        }
        for call in calls
    ]


def _wait(call: Call) -> int | None:
    if call.queued_at is None:
        return None
    left = call.connected_at or call.queue_left_at or call.ended_at
    return None if left is None else max(0, int((left - call.queued_at).total_seconds()))


def _callbacks(session: Session, cipher: DataCipher, case_id: int) -> list[dict[str, Any]]:
    callbacks = session.scalars(
        select(Callback).where(Callback.case_id == case_id).order_by(Callback.id)
    ).all()
    attempts: dict[int, list[dict[str, Any]]] = {}
    for attempt in session.scalars(
        select(CallbackAttempt)
        .where(CallbackAttempt.callback_id.in_([callback.id for callback in callbacks]))
        .order_by(CallbackAttempt.callback_id, CallbackAttempt.number)
    ):
        attempts.setdefault(attempt.callback_id, []).append(
            {
                "number": attempt.number,
                "started_at": _iso(attempt.started_at),
                "ended_at": _iso(attempt.ended_at),
                "outcome": attempt.outcome,
            }
        )
    return [
        {
            "state": callback.state,
            "for_appointment": callback.appointment_id is not None,
            "slot_start": _iso(callback.slot_start),
            "due_at": _iso(callback.due_at),
            "number": _opened(cipher, callback.number_encrypted),
            "number_is_mobile": callback.number_is_mobile,
            "created_at": _iso(callback.created_at),
            "ended_at": _iso(callback.ended_at),
            "attempts": attempts.get(callback.id, []),
        }
        for callback in callbacks
    ]


def _appointments(session: Session, cipher: DataCipher, case_id: int) -> list[dict[str, Any]]:
    appointments = session.scalars(
        select(Appointment).where(Appointment.case_id == case_id).order_by(Appointment.start)
    )
    return [
        {
            "kind": appointment.kind,
            "state": appointment.state,
            "start": _iso(appointment.start),
            "end": _iso(appointment.end),
            "booked_via": appointment.booked_via,
            "name": _opened(cipher, appointment.name_encrypted),
            "email": _opened(cipher, appointment.email_encrypted),
            "phone": _opened(cipher, appointment.phone_encrypted),
            "created_at": _iso(appointment.created_at),
            "canceled_at": _iso(appointment.canceled_at),
            "no_show_at": _iso(appointment.no_show_at),
        }
        for appointment in appointments
    ]


def _opened(cipher: DataCipher, sealed: bytes | None) -> str | None:
    """A stored value decrypted for the archive (None: none held, or no key opens it)."""
    return cipher.decrypt_or_none(sealed) if sealed else None


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- the archive ---------------------------------------------------------------------------
def summary_html(held: dict[str, Any], tz: tzinfo) -> str:
    """The German summary of `case_data`, for the person to read."""
    return (
        _templates()
        .get_template("summary.html")
        .render(
            held=held,
            display=display_case_reference(held["case"]["reference"]),
            local=lambda iso, style="%d.%m.%Y %H:%M": _local(iso, tz, style),
            statuses=STATUS_NAMES,
            federal_states=FEDERAL_STATES,
            topics=TOPICS,
            regions=REGIONS,
            outcomes=CALL_OUTCOMES,
            callback_states=CALLBACK_STATE_NAMES,
            appointment_states=STATE_NAMES,
            appointment_kinds=KIND_NAMES,
            work_kinds=WORK_KIND_NAMES,
            work_states=WORK_STATE_NAMES,
        )
    )


def _local(iso: str | None, tz: tzinfo, style: str) -> str:
    if iso is None:
        return ""
    moment = datetime.fromisoformat(iso)
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime(style)


@cache
def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("hotline.cases", "disclosure_templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["counted"] = counted
    return environment


def _zipped(name: str, held: dict[str, Any], page: str, now: datetime) -> bytes:
    stamp = now.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix, content in (
            ("html", page),
            ("json", json.dumps(held, ensure_ascii=False, indent=2)),
        ):
            archive.writestr(zipfile.ZipInfo(f"{name}.{suffix}", date_time=stamp), content)
    return buffer.getvalue()
