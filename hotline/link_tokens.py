"""The secrets in links that are the key to one thing (an appointment's or a callback's
manage page, a counsellor's calendar feed): 256 random bits, and only their sha256 stored, so
that a copy of the database opens nothing. A link is found by its digest, and the digests are
compared again in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

LINK_TOKEN_BYTES = 32  # 256 bit
LONGEST_TOKEN = 200  # anything longer is not one of ours: not even hashed


def new_link_token() -> str:
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _digest_to_look_up(token: str) -> str | None:
    """The digest to search for, or None for a value that cannot be a token."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    return token_digest(token)


def holder_of(session: Session, digest_column: InstrumentedAttribute[Any], token: str) -> Any:
    """The row whose `digest_column` holds the token's digest (e.g. `Callback.token_digest`),
    or None: for an unknown token, and for any value that cannot be one."""
    digest = _digest_to_look_up(token)
    if digest is None:
        return None
    row = session.scalars(select(digest_column.class_).where(digest_column == digest)).one_or_none()
    if row is None or not hmac.compare_digest(getattr(row, digest_column.key) or "", digest):
        return None
    return row
