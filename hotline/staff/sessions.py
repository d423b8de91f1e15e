"""Console sessions held on the server.

The browser's signed cookie carries a random token (256 bit); the server keeps its sha256 with
the account, when it started and when it was last used. A session ends at logout, when the
account is disabled or its password reset, after `idle` without a request, and after
`lifetime` however busy it is: a stolen cookie is worth nothing once any of these happened.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from hotline.link_tokens import new_link_token, token_digest
from hotline.staff.models import SessionEnd, StaffAccount, StaffSession

DEFAULT_IDLE = timedelta(minutes=30)
DEFAULT_LIFETIME = timedelta(hours=12)
LONGEST_LIFETIME = timedelta(days=7)  # the most `[console] session_hours` may set
# a request notes itself at most this often: pages that only read stay free of writes, and
# the idle time-out is exact to this much
SEEN_GRANULARITY = timedelta(minutes=1)
KEPT_AFTER_END = timedelta(days=30)  # ended sessions are removed after this (retention)


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta = DEFAULT_IDLE
    lifetime: timedelta = DEFAULT_LIFETIME


@dataclass(frozen=True)
class OpenSession:
    """A session that is still valid, and the account that holds it."""

    id: int
    account: StaffAccount
    seen_at: datetime

    def needs_noting(self, now: datetime) -> bool:
        return now - self.seen_at >= SEEN_GRANULARITY


def start_session(session: Session, account: StaffAccount, now: datetime) -> str:
    """A new session for `account`; returns the token for the cookie (shown once)."""
    token = new_link_token()
    session.add(
        StaffSession(
            account_id=account.id, token_digest=token_digest(token), started_at=now, seen_at=now
        )
    )
    session.flush()
    return token


def open_session(
    session: Session, token: object, now: datetime, limits: SessionLimits
) -> OpenSession | None:
    """The valid session of a cookie's token, or None: unknown, ended, idle too long, past
    its lifetime, or its account disabled. Reads only."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    digest = token_digest(token)
    row = session.execute(
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .where(StaffSession.token_digest == digest)
    ).one_or_none()
    if row is None:
        return None
    held, account = row
    if not hmac.compare_digest(held.token_digest, digest):
        return None
    if held.ended_at is not None or account.disabled_at is not None:
        return None
    if now - held.seen_at > limits.idle or now - held.started_at > limits.lifetime:
        return None
    return OpenSession(held.id, account, held.seen_at)


def note_seen(session: Session, session_id: int, now: datetime) -> None:
    """The session was used at `now` (keeps it from idling out)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(seen_at=now)
    )


def end_session(session: Session, token: object, now: datetime, reason: SessionEnd) -> None:
    """End the session of a cookie's token (logout); nothing happens for an unknown one."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_digest == token_digest(token), StaffSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )


def end_sessions_of(session: Session, account_id: int, now: datetime, reason: SessionEnd) -> int:
    """End every running session of an account (disabled, password reset); how many."""
    result = session.execute(
        update(StaffSession)
        .where(StaffSession.account_id == account_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_sessions(session: Session, now: datetime) -> int:
    """Remove sessions ended, or run out, more than KEPT_AFTER_END ago; how many."""
    cutoff = now - KEPT_AFTER_END
    result = session.execute(
        delete(StaffSession).where(
            or_(StaffSession.ended_at < cutoff, StaffSession.started_at < cutoff - LONGEST_LIFETIME)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
