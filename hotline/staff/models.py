"""The staff tables: accounts, their sessions, and the login throttle. The e-mail address is
kept encrypted; its digest finds the account at login without decrypting every row."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db import Base, UTCDateTime, encrypted
from hotline.texts import words


class StaffRole(StrEnum):
    COUNSELLOR = "counsellor"  # sees and works cases
    ADMIN = "admin"  # also manages staff, counsellors, hours and the directory


# as the console and the CLI name them
ROLE_NAMES = words("staff.roles")


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email_encrypted: Mapped[bytes] = mapped_column(LargeBinary, info=encrypted())
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionEnd(StrEnum):
    """Why a console session ended before it ran out (kept for the operators, not shown)."""

    LOGOUT = "logout"
    DISABLED = "disabled"
    PASSWORD_RESET = "password_reset"
    NEW_LOGIN = "new_login"  # the same browser logged in again


class StaffSession(Base):
    """A console session, held on the server: the browser's cookie carries only a random
    token whose sha256 is kept here. Ending the row ends the session, wherever the cookie is
    (a copy taken before logout opens nothing afterwards)."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())  # last request, to the minute
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(16))


class LoginThrottle(Base):
    """Failed logins in a row for one address from one client. Counting per client means a
    stranger who knows a counsellor's address can lock out only themselves; the address is
    counted the same whether an account has it or not, so the answers tell nothing.

    Both keys are keyed hashes (HMAC with the service's secret): neither the address nor the
    client's IP address can be read back. Rows go once their lock is long over (retention)."""

    __tablename__ = "login_throttles"

    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
