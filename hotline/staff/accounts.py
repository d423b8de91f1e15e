"""Staff accounts: adding, listing, disabling, resetting, and checking a login.

Passwords are hashed with Argon2 (argon2-cffi's defaults, rehashed when those grow). Failed
logins in a row lock the account for a while that doubles with each further failure (the
lock-out delay), so that guessing is slow even from many addresses, each under the rate limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.service import find_counsellor
from hotline.crypto import DataCipher
from hotline.mail.addresses import checked_address
from hotline.staff.models import StaffAccount, StaffRole

SHORTEST_PASSWORD = 12
FREE_FAILURES = 5  # failures in a row before the account locks
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(minutes=30)

_hasher = PasswordHasher()
# verified against when the address is unknown, so that the answer takes as long either way
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class StaffError(ValueError):
    """A staff command that cannot be done; the message says why (no password in it)."""


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < SHORTEST_PASSWORD:
        raise StaffError(f"the password needs at least {SHORTEST_PASSWORD} characters")


def find_account(session: Session, email: str) -> StaffAccount | None:
    return session.scalars(
        select(StaffAccount).where(StaffAccount.email_digest == email_digest(email))
    ).one_or_none()


def add_account(
    session: Session,
    cipher: DataCipher,
    now: datetime,
    *,
    email: str,
    role: StaffRole,
    password: str,
    counsellor_name: str | None = None,
) -> StaffAccount:
    try:
        email = checked_address(email)
    except ValueError:
        raise StaffError("not an e-mail address") from None
    check_password_strength(password)
    if find_account(session, email) is not None:
        raise StaffError("an account with this address exists")
    account = StaffAccount(
        email_digest=email_digest(email),
        email_encrypted=cipher.encrypt(email.lower()),
        role=role,
        password_hash=_hasher.hash(password),
        session_epoch=0,
        failed_logins=0,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    session.flush()
    if counsellor_name is not None:
        link_counsellor(session, account, counsellor_name)
    return account


def link_counsellor(session: Session, account: StaffAccount, counsellor_name: str) -> None:
    counsellor = find_counsellor(session, counsellor_name)
    if counsellor is None:
        raise StaffError(f"no counsellor named {counsellor_name!r}")
    if counsellor.staff_id not in (None, account.id):
        raise StaffError(f"counsellor {counsellor_name!r} is linked to another account")
    counsellor.staff_id = account.id


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.id)))


def disable(account: StaffAccount, now: datetime) -> None:
    account.disabled_at = account.disabled_at or now
    account.session_epoch += 1  # whoever is logged in is logged out
    account.updated_at = now


def enable(account: StaffAccount, now: datetime) -> None:
    account.disabled_at = None
    account.failed_logins, account.locked_until = 0, None
    account.updated_at = now


def reset_password(account: StaffAccount, password: str, now: datetime) -> None:
    check_password_strength(password)
    account.password_hash = _hasher.hash(password)
    account.session_epoch += 1
    account.failed_logins, account.locked_until = 0, None
    account.updated_at = now


class LoginRefused(StrEnum):
    WRONG = "wrong"  # unknown address or wrong password: the page does not say which
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class LoginResult:
    account: StaffAccount | None
    refused: LoginRefused | None = None
    locked_until: datetime | None = None


def log_in(session: Session, email: str, password: str, now: datetime) -> LoginResult:
    """Check a login; counts failures and locks. The caller commits either way."""
    account = find_account(session, email)
    if account is None:
        _verify(_DUMMY_HASH, password)
        return LoginResult(None, LoginRefused.WRONG)
    if account.locked_until is not None and account.locked_until > now:
        return LoginResult(account, LoginRefused.LOCKED, account.locked_until)
    if not _verify(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= FREE_FAILURES:
            doublings = account.failed_logins - FREE_FAILURES
            account.locked_until = now + min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)
            return LoginResult(account, LoginRefused.LOCKED, account.locked_until)
        return LoginResult(account, LoginRefused.WRONG)
    if account.disabled_at is not None:
        return LoginResult(account, LoginRefused.DISABLED)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.failed_logins, account.locked_until = 0, None
    account.last_login_at = now
    return LoginResult(account)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
