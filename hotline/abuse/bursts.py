"""A burst of bookings: when bookings made on the web or through the API within `[abuse]
burst_minutes` take more than `burst_share` of a week's appointment times, new bookings are
held: each waits, encrypted, for the booker to confirm it by the link mailed to their
address (double opt-in), until an admin lifts the hold (console or `hotline bookings
release`). The admins get a mail when it begins; every hold and lift is audited.

A script without real mailboxes then books nothing; a real official gets the time by one
more click. A held booking holds no time: it is booked (and may find the time taken) when
confirmed, and dropped unconfirmed after `confirm_hours`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotline.abuse.config import AbuseConfig
from hotline.abuse.flood import BY_HAND, BY_THRESHOLDS
from hotline.abuse.models import HeldBooking
from hotline.abuse.protection import protection_state, write_protection
from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.crypto import DataCipher
from hotline.link_tokens import holder_of, new_link_token, token_digest
from hotline.outbox import queue, side_effects
from hotline.staff.models import StaffAccount, StaffRole
from hotline.texts import text


@dataclass(frozen=True)
class BurstSigns:
    """What the watch saw for the week of a booking."""

    booked_in_window: int  # booked on the web or through the API within burst_minutes
    times_in_week: int  # the week's appointment times, booked or free

    def is_a_burst(self, config: AbuseConfig) -> bool:
        return bool(self.times_in_week) and (
            self.booked_in_window / self.times_in_week > config.burst_share
        )


def bookings_held(session: Session) -> bool:
    return protection_state(session).bookings_held_since is not None


def hold_bookings(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    *,
    by: int | None,
    signs: BurstSigns | None = None,
    console_url: str = "",
) -> bool:
    """Hold bookings from now (False: held already); the admins are mailed when the burst
    holds them by itself."""
    if bookings_held(session):
        return False
    write_protection(session, bookings_held_since=now)
    how = BY_HAND if by is not None or signs is None else BY_THRESHOLDS
    record(
        session,
        now,
        by,
        AuditAction.PROTECTION,
        message=AuditMessage.BOOKINGS_HELD,
        params={"how": how},
    )
    if signs is not None:
        _alert_admins(session, cipher, now, signs, console_url)
    return True


def release_bookings(session: Session, now: datetime, *, by: int | None) -> bool:
    """Book directly again (False: nothing was held)."""
    if not bookings_held(session):
        return False
    write_protection(session, bookings_held_since=None)
    record(
        session,
        now,
        by,
        AuditAction.PROTECTION,
        message=AuditMessage.BOOKINGS_RELEASED,
        params={"how": BY_HAND},
    )
    return True


def _alert_admins(
    session: Session, cipher: DataCipher, now: datetime, signs: BurstSigns, console_url: str
) -> None:
    admins = session.scalars(
        select(StaffAccount.email_encrypted).where(
            StaffAccount.role == StaffRole.ADMIN, StaffAccount.disabled_at.is_(None)
        )
    ).all()
    addresses = [address for token in admins if (address := cipher.decrypt_or_none(token))]
    if not addresses:
        return
    work = side_effects.send_mail(
        f"bookings-held:{now.isoformat()}",
        to=addresses,
        subject=text("protection.burst_mail.subject"),
        text=text(
            "protection.burst_mail.text",
            booked=signs.booked_in_window,
            times=signs.times_in_week,
            page=console_url,
        ),
        due_at=now,
    )
    queue.enqueue(session, cipher, now, work)


# --- held bookings ------------------------------------------------------------------------
def hold_booking(
    session: Session, cipher: DataCipher, now: datetime, config: AbuseConfig, wish: dict[str, Any]
) -> str:
    """Keep a booking (the fields the booking request named) until confirmed; its link token."""
    token = new_link_token()
    session.add(
        HeldBooking(
            token_digest=token_digest(token),
            request_encrypted=cipher.encrypt(json.dumps(wish, sort_keys=True)),
            created_at=now,
            expires_at=now + config.confirm_within,
        )
    )
    return token


def held_booking(session: Session, cipher: DataCipher, token: str, now: datetime) -> Any:
    """(the row, the fields) of an open held booking, or None (unknown, confirmed, too old)."""
    held = holder_of(session, HeldBooking.token_digest, token)
    if held is None or held.confirmed_at is not None or held.expires_at <= now:
        return None
    if held.request_encrypted is None:
        return None
    return held, json.loads(cipher.decrypt(held.request_encrypted))


def drop_expired_held_bookings(session: Session, now: datetime) -> int:
    """Held bookings never confirmed in time, and confirmed ones (booked since): gone."""
    result = session.execute(
        delete(HeldBooking).where(
            (HeldBooking.expires_at <= now) | HeldBooking.confirmed_at.is_not(None)
        )
    )
    return result.rowcount or 0
