"""The state of a call as its steps see it, read and written with one statement each.

Every request of a call passes through here, so it is kept lean: Core statements built once,
executed on the transaction's connection (skipping the ORM session's per-statement work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from hotline.cases.models import Case
from hotline.crypto import DataCipher
from hotline.database_kinds import DatabaseKind, kind_of
from hotline.db import insert_unless_present
from hotline.telephony.models import Call, CallDirection
from hotline.telephony.phone_numbers import is_withheld


@dataclass(frozen=True)
class CallState:
    """What the service knows about a call leg when one of its steps runs."""

    call_sid: str
    language: str
    caller_withheld: bool
    case_id: int | None
    case_reference: str | None


# Core statements on the tables, built once: this runs on every request of every call.
_CALLS: Table = Call.__table__  # type: ignore[assignment]
_CASES: Table = Case.__table__  # type: ignore[assignment]
_STATE = (
    select(
        _CALLS.c.call_sid,
        _CALLS.c.language,
        _CALLS.c.caller_withheld,
        _CALLS.c.case_id,
        _CASES.c.reference,
    )
    .select_from(_CALLS.outerjoin(_CASES, _CALLS.c.case_id == _CASES.c.id))
    .where(_CALLS.c.call_sid == bindparam("sid"))
)
# The SET clause comes from the parameters given at execution.
_UPDATE_CALL = update(_CALLS).where(_CALLS.c.call_sid == bindparam("sid"))


def call_state(session: Session, call_sid: str) -> CallState | None:
    row = session.connection().execute(_STATE, {"sid": call_sid}).one_or_none()
    return CallState(*row) if row else None


def register_inbound_call(
    session: Session,
    call_sid: str,
    caller: str | None,
    cipher: DataCipher,
    now: datetime,
    caller_hash: str | None = None,
) -> CallState:
    """The call the service answers now; the caller's number is kept only encrypted, and
    as its keyed hash (`caller_hash`, to count a number's calls: `hotline.abuse`).

    A row that exists already (a status callback came first, or this is Twilio's retry) keeps
    what it has and gets the caller's number and answer time it lacks.
    """
    withheld = is_withheld(caller)
    number = None if withheld or not caller else cipher.encrypt(caller.strip())
    session.connection().execute(
        _register_statement(kind_of(session)),
        {
            "call_sid": call_sid,
            "direction": CallDirection.INBOUND,
            "status": "ringing",
            "started_at": now,
            "answered_at": now,
            "caller_withheld": withheld,
            "caller_number_encrypted": number,
            "caller_hash": None if number is None else caller_hash,
        },
    )
    return CallState(call_sid, "de", withheld, None, None)


@cache
def _register_statement(kind: DatabaseKind) -> Any:
    insert = kind.insert(_CALLS)
    new, calls = insert.excluded, _CALLS.c
    return insert.on_conflict_do_update(
        index_elements=["call_sid"],
        set_={
            "caller_number_encrypted": func.coalesce(
                calls.caller_number_encrypted, new.caller_number_encrypted
            ),
            "caller_hash": func.coalesce(calls.caller_hash, new.caller_hash),
            "caller_withheld": case(
                (calls.caller_number_encrypted.is_(None), new.caller_withheld),
                else_=calls.caller_withheld,
            ),
            "answered_at": func.coalesce(calls.answered_at, new.answered_at),
        },
    )


def call_for_step(
    session: Session,
    call_sid: str,
    now: datetime,
    *,
    direction: CallDirection,
    parent_call_sid: str | None = None,
) -> CallState:
    """The leg a later step belongs to; a leg unknown here still gets a row (state is kept).

    An unknown leg is recorded as what Twilio says it is: an inbound caller whose number we
    never saw counts as withheld; a leg the service rang has no caller at all.
    """
    known = call_state(session, call_sid)
    if known is not None:
        return known
    insert_unless_present(
        session,
        _CALLS,
        {
            "call_sid": call_sid,
            "parent_call_sid": parent_call_sid,
            "direction": direction,
            "status": "in-progress",
            "started_at": now,
            "answered_at": now,
            "caller_withheld": direction == CallDirection.INBOUND,
        },
        ("call_sid",),
    )
    return call_state(session, call_sid) or CallState(call_sid, "de", True, None, None)


def update_call(session: Session, call_sid: str, **fields: Any) -> None:
    """Write what a step recorded (language, case, outcome) in one UPDATE."""
    if fields:
        session.connection().execute(_UPDATE_CALL, {"sid": call_sid, **fields})
