"""The accounts as the console's Verwaltung lists them: each with its address opened (or
said to be unreadable), its role, state and the counsellor it is linked to; and the
counsellors not linked to any account yet, for the form that adds one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher
from hotline.readable import readable
from hotline.staff.accounts import list_accounts


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str  # opened, or the words for unreadable
    role: str
    counsellor: str | None  # the name of the counsellor linked to it
    disabled_at: datetime | None
    last_login_at: datetime | None


@dataclass(frozen=True)
class AccountOverview:
    accounts: list[AccountRow]  # in the order they were added
    unlinked_counsellors: list[str]  # names, by name: those a new account may be linked to


def account_overview(session: Session, cipher: DataCipher) -> AccountOverview:
    linked = dict(
        session.execute(
            select(Counsellor.staff_id, Counsellor.name).where(Counsellor.staff_id.is_not(None))
        ).all()
    )
    accounts = [
        AccountRow(
            account.id,
            readable(cipher, account.email_encrypted),
            account.role,
            linked.get(account.id),
            account.disabled_at,
            account.last_login_at,
        )
        for account in list_accounts(session)
    ]
    unlinked = list(
        session.scalars(
            select(Counsellor.name).where(Counsellor.staff_id.is_(None)).order_by(Counsellor.name)
        )
    )
    return AccountOverview(accounts, unlinked)


def account_addresses(session: Session, cipher: DataCipher) -> dict[int, str]:
    """Every account's address (or the words for unreadable) by its id, in the order the
    accounts were added: who did what, in the audit log."""
    return {
        account.id: readable(cipher, account.email_encrypted) for account in list_accounts(session)
    }
