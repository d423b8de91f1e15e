"""Idempotent deliveries: Twilio retries a webhook when an answer is slow or lost.

Each delivery is identified by a hash of its method, URL and parameters (every prompt of a
call has its own URL, so two different deliveries never share a hash). The first one is
recorded in the same transaction as its effects, with its answer; a repeat gets that answer
again and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.crypto import DataCipher
from hotline.models import WebhookEvent
from hotline.services import Services


class DeliveryAlreadyClaimed(Exception):
    """Another worker recorded the same delivery at the same moment."""


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str
    content_type: str


def delivery_key(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\n" + request.path.encode() + b"?" + request.query_string + b"\n")
    for name in sorted(request.form):
        for value in sorted(request.form.getlist(name)):
            digest.update(f"{name}={value}\n".encode())
    return digest.hexdigest()


def stored_answer(session: Session, key: str, cipher: DataCipher) -> StoredAnswer | None:
    event = session.scalars(select(WebhookEvent).where(WebhookEvent.delivery_key == key)).first()
    if event is None:
        return None
    body = cipher.decrypt(event.response_encrypted) if event.response_encrypted else ""
    return StoredAnswer(event.response_status, body, event.response_type)


def claim(
    session: Session, key: str, endpoint: str, call_sid: str | None, now: datetime
) -> WebhookEvent:
    """Record the delivery before its effects; raises DeliveryAlreadyClaimed on a race."""
    event = WebhookEvent(
        delivery_key=key,
        endpoint=endpoint[:120],
        call_sid=call_sid,
        received_at=now,
        response_status=0,
        response_type="",
    )
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError as error:
        raise DeliveryAlreadyClaimed(key) from error
    return event


def remember_answer(event: WebhookEvent, answer: StoredAnswer, cipher: DataCipher) -> None:
    """Kept encrypted: a `<Dial>` answer names the counsellors' phone numbers."""
    event.response_status = answer.status
    event.response_encrypted = cipher.encrypt(answer.body)
    event.response_type = answer.content_type


def answer_once(
    svc: Services,
    request: Request,
    endpoint: str,
    call_sid: str | None,
    work: Callable[[Session, datetime], StoredAnswer],
) -> StoredAnswer:
    """Run `work` for a new delivery in one transaction; replay the stored answer for a repeat."""
    key = delivery_key(request)
    try:
        with svc.database.transaction() as session:
            previous = stored_answer(session, key, svc.cipher)
            if previous is not None:
                return previous
            now = svc.clock.now()
            event = claim(session, key, endpoint, call_sid, now)
            answer = work(session, now)
            remember_answer(event, answer, svc.cipher)
            return answer
    except DeliveryAlreadyClaimed:
        with svc.database.transaction() as session:
            previous = stored_answer(session, key, svc.cipher)
        if previous is None:
            raise
        return previous
