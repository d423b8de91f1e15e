"""Staff accounts: adding, listing, disabling, resetting, and checking a login.

Passwords are hashed with Argon2 (argon2-cffi's defaults, rehashed when those grow). Failed
logins in a row for one address from one client lock that pair for a while that doubles with
each further failure (`LoginThrottle`): guessing is slow, and a stranger who knows a
counsellor's address locks out only themselves. Known and unknown addresses are counted,
locked and answered alike, and every attempt verifies one Argon2 hash, so that neither the
answer nor its time tells whether an account exists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotline.counsellors.service import find_counsellor
from hotline.crypto import DataCipher, keyed_digest
from hotline.mail.addresses import checked_address
from hotline.staff.models import LoginThrottle, SessionEnd, StaffAccount, StaffRole
from hotline.staff.sessions import end_sessions_of
from hotline.texts import text

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
    """The lookup key of an address as typed at the login, normalised as `add_account` kept
    it (an internationalised domain in its ASCII form), in lower case."""
    try:
        canonical = checked_address(email)
    except ValueError:  # no account has it; still a digest, so a login takes as long
        canonical = email.strip()
    return hashlib.sha256(canonical.lower().encode()).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < SHORTEST_PASSWORD:
        raise StaffError(text("staff.refused.password_too_short", most=SHORTEST_PASSWORD))


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
        raise StaffError(text("staff.refused.invalid_address")) from None
    check_password_strength(password)
    if find_account(session, email) is not None:
        raise StaffError(text("staff.refused.address_taken"))
    account = StaffAccount(
        email_digest=email_digest(email),
        email_encrypted=cipher.encrypt(email.lower()),
        role=role,
        password_hash=_hasher.hash(password),
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
        raise StaffError(text("staff.refused.no_counsellor", name=counsellor_name))
    if counsellor.staff_id not in (None, account.id):
        raise StaffError(text("staff.refused.counsellor_linked_elsewhere", name=counsellor_name))
    counsellor.staff_id = account.id


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.id)))


def disable(session: Session, account: StaffAccount, now: datetime) -> None:
    """Disable an account: it cannot log in, and whoever is logged in with it is logged out."""
    account.disabled_at = account.disabled_at or now
    account.updated_at = now
    end_sessions_of(session, account.id, now, SessionEnd.DISABLED)


def enable(session: Session, account: StaffAccount, now: datetime) -> None:
    account.disabled_at = None
    account.updated_at = now
    _forget_failures(session, account)


def reset_password(session: Session, account: StaffAccount, password: str, now: datetime) -> None:
    """A new password; every session of the account ends (whoever knew the old one is out)."""
    check_password_strength(password)
    account.password_hash = _hasher.hash(password)
    account.updated_at = now
    end_sessions_of(session, account.id, now, SessionEnd.PASSWORD_RESET)
    _forget_failures(session, account)


class AccountChange(StrEnum):
    """What an admin changes of an account in the console."""

    DISABLE = "disable"
    ENABLE = "enable"
    PASSWORD = "password"


class UnknownAccount(LookupError):
    """No account has that id."""


class OwnAccountNotDisabled(ValueError):
    """An admin cannot disable the account they act with: they would lock themselves out,
    and perhaps the last admin with them."""


def change_account(
    session: Session,
    account_id: int,
    change: AccountChange,
    now: datetime,
    *,
    by: int,
    password: str = "",
) -> None:
    """Disables or enables the account, or gives it `password`, as the admin with the
    account `by` asks. Raises OwnAccountNotDisabled, UnknownAccount, or StaffError (a
    password too short)."""
    if change is AccountChange.DISABLE and account_id == by:
        raise OwnAccountNotDisabled()
    account = session.get(StaffAccount, account_id)
    if account is None:
        raise UnknownAccount(account_id)
    if change is AccountChange.DISABLE:
        disable(session, account, now)
    elif change is AccountChange.ENABLE:
        enable(session, account, now)
    else:
        reset_password(session, account, password, now)


def _forget_failures(session: Session, account: StaffAccount) -> None:
    session.execute(
        delete(LoginThrottle).where(LoginThrottle.address_key == address_key(account.email_digest))
    )


class LoginRefused(StrEnum):
    WRONG = "wrong"  # unknown address or wrong password: the page does not say which
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class LoginResult:
    account: StaffAccount | None
    refused: LoginRefused | None = None
    locked_until: datetime | None = None


def address_key(email_digest_hex: str) -> str:
    """The throttle's key for an address (its digest; the same for a known and unknown one)."""
    return email_digest_hex


def client_key(secret: str, client_address: str) -> str:
    """The throttle's key for a client: a keyed hash of its IP address (never stored plain)."""
    return keyed_digest(secret, "login client", client_address)


def log_in(
    session: Session, email: str, password: str, now: datetime, *, client: str
) -> LoginResult:
    """Check a login from `client` (a `client_key`); counts failures and locks. The caller
    commits either way. Every path verifies one Argon2 hash, so all take alike."""
    account = find_account(session, email)
    throttle = session.get(LoginThrottle, (address_key(email_digest(email)), client))
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        _verify(_DUMMY_HASH, password)
        return LoginResult(account, LoginRefused.LOCKED, throttle.locked_until)
    right = _verify(account.password_hash if account else _DUMMY_HASH, password)
    if account is None or not right:
        locked_until = _count_failure(session, email, client, throttle, now)
        if locked_until is not None:
            return LoginResult(account, LoginRefused.LOCKED, locked_until)
        return LoginResult(account, LoginRefused.WRONG)
    if throttle is not None:
        session.delete(throttle)
    if account.disabled_at is not None:
        return LoginResult(account, LoginRefused.DISABLED)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_login_at = now
    return LoginResult(account)


def _count_failure(
    session: Session, email: str, client: str, throttle: LoginThrottle | None, now: datetime
) -> datetime | None:
    """One more failure in a row; when the pair is locked now, until when."""
    if throttle is None:
        throttle = LoginThrottle(
            address_key=address_key(email_digest(email)), client_key=client, failures=0
        )
        session.add(throttle)
    throttle.failures += 1
    throttle.updated_at = now
    if throttle.failures < FREE_FAILURES:
        return None
    doublings = min(throttle.failures - FREE_FAILURES, 16)
    throttle.locked_until = now + min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)
    return throttle.locked_until


def prune_login_throttles(session: Session, now: datetime) -> int:
    """Failures whose lock is long over and that were last counted a day ago: gone."""
    result = session.execute(
        delete(LoginThrottle).where(LoginThrottle.updated_at < now - timedelta(days=1))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
