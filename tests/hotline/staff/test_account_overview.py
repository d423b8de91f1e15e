"""The accounts as the Verwaltung lists them, and what an admin changes of one: read and
changed through the core's functions, on a real database."""

from __future__ import annotations

import pytest

from hotline.crypto import DataCipher, generate_key
from hotline.staff.accounts import (
    AccountChange,
    OwnAccountNotDisabled,
    StaffError,
    UnknownAccount,
    change_account,
    log_in,
)
from hotline.staff.models import StaffAccount, StaffRole
from hotline.staff.overview import account_addresses, account_overview
from tests.support.staff import PASSWORD, add_staff

UNREADABLE = "(unlesbar: Schlüssel fehlt)"


def test_accounts_show_their_address_role_and_linked_counsellor(svc, clock, create_counsellor):
    create_counsellor("Anna Berger")
    create_counsellor("Ben Yilmaz")
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    add_staff(svc, clock, "anna@example.org", counsellor="Anna Berger")

    with svc.database.reading() as session:
        overview = account_overview(session, svc.cipher)

    assert [(a.email, a.role, a.counsellor) for a in overview.accounts] == [
        ("chefin@example.org", "admin", None),
        ("anna@example.org", "counsellor", "Anna Berger"),
    ]
    assert all(a.disabled_at is None and a.last_login_at is None for a in overview.accounts)
    assert overview.unlinked_counsellors == ["Ben Yilmaz"]  # Anna has an account already


def test_an_address_no_configured_key_opens_is_listed_as_unreadable(svc, clock):
    account_id = add_staff(svc, clock, "anna@example.org")
    add_staff(svc, clock, "ben@example.org")
    with svc.database.transaction() as session:
        account = session.get(StaffAccount, account_id)
        account.email_encrypted = DataCipher([generate_key()]).encrypt("anna@example.org")

    with svc.database.reading() as session:
        overview = account_overview(session, svc.cipher)
        addresses = account_addresses(session, svc.cipher)

    assert [a.email for a in overview.accounts] == [UNREADABLE, "ben@example.org"]
    assert list(addresses.values()) == [UNREADABLE, "ben@example.org"]


def change(svc, clock, account_id: int, what: AccountChange, by: int, password: str = "") -> None:
    with svc.database.transaction() as session:
        change_account(session, account_id, what, clock.now(), by=by, password=password)


def can_log_in(svc, clock, email: str, password: str = PASSWORD) -> bool:
    with svc.database.transaction() as session:
        return log_in(session, email, password, clock.now(), client="test").refused is None


def test_an_admin_disables_enables_and_sets_a_password(svc, clock):
    admin = add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    anna = add_staff(svc, clock, "anna@example.org")

    change(svc, clock, anna, AccountChange.DISABLE, by=admin)
    assert not can_log_in(svc, clock, "anna@example.org")
    change(svc, clock, anna, AccountChange.ENABLE, by=admin)
    assert can_log_in(svc, clock, "anna@example.org")
    change(svc, clock, anna, AccountChange.PASSWORD, by=admin, password="ein-neues-passwort")
    assert can_log_in(svc, clock, "anna@example.org", "ein-neues-passwort")
    assert not can_log_in(svc, clock, "anna@example.org")


def test_an_admin_cannot_disable_their_own_account(svc, clock):
    admin = add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    with pytest.raises(OwnAccountNotDisabled):
        change(svc, clock, admin, AccountChange.DISABLE, by=admin)
    assert can_log_in(svc, clock, "chefin@example.org")
    change(svc, clock, admin, AccountChange.PASSWORD, by=admin, password="ein-neues-passwort")
    assert can_log_in(svc, clock, "chefin@example.org", "ein-neues-passwort")


def test_a_change_to_no_account_or_with_a_short_password_is_refused(svc, clock):
    admin = add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    anna = add_staff(svc, clock, "anna@example.org")
    with pytest.raises(UnknownAccount):
        change(svc, clock, anna + 100, AccountChange.ENABLE, by=admin)
    with pytest.raises(StaffError, match="12 Zeichen"):
        change(svc, clock, anna, AccountChange.PASSWORD, by=admin, password="kurz")
    assert can_log_in(svc, clock, "anna@example.org")
