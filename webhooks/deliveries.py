"""Idempotent deliveries: Twilio retries a webhook when an answer is slow or lost.

Each delivery is identified by a hash of its method, URL, parameters and Twilio's
`I-Twilio-Idempotency-Token` header (the same on Twilio's retries of one request, different
for the next request). The flows also give every prompt of a call its own URL, so that
requests stay distinct where the header is missing. The first delivery is recorded in the
same transaction as its effects, with its answer; a repeat collides with that record, is
rolled back whole, and gets the first answer again: it changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import Request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.crypto import DataCipher
from hotline.services import Services
from hotline.telephony.models import WebhookEvent

IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
_RECORD_DELIVERY = insert(WebhookEvent.__table__)  # Core: cheaper than the ORM's bulk insert


class DeliveryAlreadyClaimed(Exception):
    """The same delivery has been recorded already (a retry, or a twin at the same moment)."""


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str
    content_type: str
    repeated: bool = field(default=False, compare=False)  # answered again from the log


def delivery_key(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\n" + request.path.encode() + b"?" + request.query_string + b"\n")
    digest.update(request.headers.get(IDEMPOTENCY_HEADER, "").encode() + b"\n")
    # sorted: the same parameters in another order are the same delivery
    pairs = sorted(request.form.items(multi=True))
    digest.update("\n".join(f"{name}={value}" for name, value in pairs).encode())
    return digest.hexdigest()


def stored_answer(session: Session, key: str, cipher: DataCipher) -> StoredAnswer | None:
    event = session.scalars(select(WebhookEvent).where(WebhookEvent.delivery_key == key)).first()
    if event is None:
        return None
    body = cipher.decrypt(event.response_encrypted) if event.response_encrypted else ""
    return StoredAnswer(event.response_status, body, event.response_type)


def remember(
    session: Session,
    key: str,
    endpoint: str,
    call_sid: str | None,
    answer: StoredAnswer,
    cipher: DataCipher,
    now: datetime,
) -> None:
    """Record the delivery with its answer, last in the transaction.

    The unique key makes a repeated delivery fail here, which rolls back everything it did.
    The answer is kept encrypted: a `<Dial>` answer names the counsellors' phone numbers.
    """
    session.flush()  # the step's own writes first, so that their errors are not taken for ours
    values = {
        "delivery_key": key,
        "endpoint": endpoint[:120],
        "call_sid": call_sid,
        "received_at": now,
        "response_status": answer.status,
        "response_encrypted": cipher.encrypt(answer.body),
        "response_type": answer.content_type,
    }
    try:
        session.connection().execute(_RECORD_DELIVERY, values)
    except IntegrityError as error:
        raise DeliveryAlreadyClaimed(key) from error


def answer_once(
    svc: Services,
    request: Request,
    endpoint: str,
    call_sid: str | None,
    work: Callable[[Session, datetime], StoredAnswer],
) -> StoredAnswer:
    """Run `work` and record the delivery in one transaction; a repeat gets the first answer.

    A repeat is recognised when its record collides with the first one's; its own work is then
    rolled back. (Repeats are rare, so this is cheaper than looking up every delivery first.)
    """
    key = delivery_key(request)

    def deliver(session: Session) -> StoredAnswer:
        now = svc.clock.now()
        answer = work(session, now)
        remember(session, key, endpoint, call_sid, answer, svc.cipher, now)
        return answer

    try:
        return svc.database.run(deliver)
    except DeliveryAlreadyClaimed:
        with svc.database.transaction() as session:
            previous = stored_answer(session, key, svc.cipher)
        if previous is None:
            raise
        return replace(previous, repeated=True)
