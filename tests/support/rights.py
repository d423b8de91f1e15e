"""Cases full of personal data, made through the service's own interfaces, for the tests of
the caller's rights (export, erasure): an inbound call taken by a counsellor (the simulator,
with its counsellor legs), notes and a referral with its follow-up's outcome (the console),
a video appointment, a phone appointment and a callback to a mobile number (the JSON API),
their mails and SMS
sent by the scheduler (local SMTP, fake Twilio). And a scan of every column of every table
of the database for known values, in clear and as stored (decrypted, hashed)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, select

from hotline.callbacks.models import Callback
from hotline.cases.models import Case
from hotline.outbox.models import WorkItem
from hotline.referrals.models import Referral
from hotline.routing.models import CallOffer
from hotline.staff.models import StaffRole
from hotline.telephony.models import Call
from tests.support.appointments import book, local_path
from tests.support.staff import add_staff, log_in, post_form

ADMINS = ("erste@example.org", "zweite@example.org")
# two officials alike: each a call, a video and a phone appointment tomorrow, a callback today
ALBRECHT = {
    "tag": "Albrecht",
    "caller": "+4915111111111",
    "callback_number": "+4915122222222",
    "appointment_start": "2026-11-27T10:00:00+01:00",
    "phone_start": "2026-11-27T12:00:00+01:00",
    "callback_start": "2026-11-26T13:15:00+01:00",
}
BRANDT = {
    "tag": "Brandt",
    "caller": "+4917133333333",
    "callback_number": "+4917144444444",
    "appointment_start": "2026-11-27T11:00:00+01:00",
    "phone_start": "2026-11-27T13:00:00+01:00",
    "callback_start": "2026-11-26T13:30:00+01:00",
}


@dataclass
class HeldCase:
    """One case and the personal data the service holds for it."""

    reference: str
    caller: str  # the number the inbound call came from
    callback_number: str
    email: str
    name: str
    notes: str
    outcome: str
    manage_token: str
    phone_token: str
    callback_token: str
    room: str
    call_sids: list[str] = field(default_factory=list)
    message_sids: list[str] = field(default_factory=list)

    def secrets(self) -> dict[str, str]:
        """Every value that must not outlive an erasure, by what it is."""
        values = {
            "caller": self.caller,
            "caller digits": self.caller.lstrip("+"),
            "callback number": self.callback_number,
            "callback digits": self.callback_number.lstrip("+"),
            "email": self.email,
            "name": self.name,
            "notes": self.notes,
            "outcome": self.outcome,
            "manage token": self.manage_token,
            "manage token digest": hashlib.sha256(self.manage_token.encode()).hexdigest(),
            "phone token": self.phone_token,
            "phone token digest": hashlib.sha256(self.phone_token.encode()).hexdigest(),
            "callback token": self.callback_token,
            "callback token digest": hashlib.sha256(self.callback_token.encode()).hexdigest(),
            "room": self.room,
        }
        values |= {f"call {sid}": sid for sid in self.call_sids}
        values |= {f"message {sid}": sid for sid in self.message_sids}
        return values

    def keyed_hashes(self, hasher: Any) -> dict[str, str]:
        """The keyed hashes the line's protection keeps of its numbers and address (for
        limits and blocks, `hotline.abuse`): personal data too, gone with an erasure."""
        return {
            "caller hash": hasher.number(self.caller),
            "callback number hash": hasher.number(self.callback_number),
            "email hash": hasher.email(self.email),
        }


def admins_logged_in(svc, clock, client) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Two admin accounts (four eyes); the client is logged in as the first."""
    first = add_staff(svc, clock, ADMINS[0], StaffRole.ADMIN)
    second = add_staff(svc, clock, ADMINS[1], StaffRole.ADMIN)
    log_in(client, ADMINS[0])
    return first, second


def held_case(
    *,
    svc: Any,
    client: Any,
    simulate_call: Any,
    offer_id: int,
    tag: str,
    caller: str,
    callback_number: str,
    appointment_start: str,
    phone_start: str,
    callback_start: str,
) -> HeldCase:
    """A case with a call, notes, a referral's outcome, a video and a phone appointment and a
    callback. The client must be logged in to the console (as an admin)."""
    transcript = simulate_call(["-", "-"], caller=caller)
    with svc.database.transaction() as session:
        call = session.scalars(select(Call).where(Call.call_sid == transcript.call_sid)).one()
        reference = session.get_one(Case, call.case_id).reference
    page = f"/staff/cases/{reference}"
    notes = f"Drohbrief an {tag}, Anzeige erstattet"
    post_form(client, page, f"{page}/describe", {"notes": notes, "federal_state": "NW"})
    post_form(client, page, f"{page}/refer", {"offer": str(offer_id)})
    with svc.database.transaction() as session:
        referral_id = session.scalars(
            select(Referral.id).join(Case).where(Case.reference == reference)
        ).one()
    outcome = f"{tag} wurde von der Opferberatung angerufen"
    post_form(client, page, f"{page}/follow-up", {"referral": str(referral_id), "outcome": outcome})
    name, email = f"Frau {tag}", f"{tag.lower()}@amt.example.org"
    video = book(client, appointment_start, name=name, email=email, case_reference=reference).json
    phone = book(
        client,
        phone_start,
        type="phone",
        name=name,
        email=None,
        phone=callback_number,
        case_reference=reference,
    )
    assert phone.status_code == 201, phone.json
    callback = client.post(
        "/api/v1/appointments",
        json={
            "type": "callback",
            "start": callback_start,
            "name": name,
            "phone": callback_number,
            "consent": True,
            "case_reference": reference,
        },
    )
    assert callback.status_code == 201, callback.json
    return HeldCase(
        reference=reference,
        caller=caller,
        callback_number=callback_number,
        email=email,
        name=name,
        notes=notes,
        outcome=outcome,
        manage_token=local_path(video["manage_url"]).rsplit("/", 1)[-1],
        phone_token=local_path(phone.json["manage_url"]).rsplit("/", 1)[-1],
        callback_token=local_path(callback.json["manage_url"]).rsplit("/", 1)[-1],
        room=video["video_url"].rsplit("-", 1)[-1],
    )


def note_twilio_sids(svc: Any, held: HeldCase) -> None:
    """The SIDs Twilio gave the case's calls (the caller's and the counsellors' legs) and
    SMS, once the scheduler has sent them."""
    with svc.database.transaction() as session:
        case_id = session.scalars(select(Case.id).where(Case.reference == held.reference)).one()
        own = list(session.scalars(select(Call.call_sid).where(Call.case_id == case_id)))
        legs = session.scalars(
            select(CallOffer.leg_call_sid).where(
                CallOffer.call_sid.in_(own), CallOffer.leg_call_sid.is_not(None)
            )
        )
        held.call_sids = own + list(legs)
        held.message_sids = list(
            session.scalars(
                select(WorkItem.reference).where(
                    WorkItem.case_id == case_id,
                    WorkItem.kind == "send_sms",
                    WorkItem.reference.is_not(None),
                )
            )
        )
        assert session.scalars(select(Callback.id).where(Callback.case_id == case_id)).all()


def find_in_database(svc: Any, needles: dict[str, str]) -> list[tuple[str, str, str]]:
    """Where any of the values is stored: (table, column, what) for every column of every
    table of the database (reflected, so tables without a model count too), each value read
    as stored and, where it opens with the data key, decrypted; JSON as its text."""
    found = []
    metadata = MetaData()
    metadata.reflect(svc.database.engine)
    with svc.database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in zip(table.columns.keys(), row, strict=True):
                    for shown in _readings(svc, value):
                        found += [
                            (table.name, column, what)
                            for what, needle in needles.items()
                            if needle and needle in shown
                        ]
    return sorted(set(found))


def _readings(svc: Any, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        opened = svc.cipher.decrypt_or_none(value)
        return [value.decode("latin-1")] + ([opened] if opened is not None else [])
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    return [str(value)]
