"""The command line takes addresses and names by the same rules as the booking page and the
API (issue 21): an address with a control character or without a real domain is refused, and
so is a counsellor's name with control characters."""

from __future__ import annotations

import pytest

PASSWORD = "ein-sehr-langes-passwort\n"
BAD_ADDRESSES = ["a\x00b@example.org", "a\nb@example.org", "x@localhost", "a@example.invalid"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_staff_account_needs_a_real_address(hotline, address):
    added = hotline("staff", "add", address, "--role", "admin", "--password-stdin", input=PASSWORD)
    assert added.exit_code == 1 and "keine gültige E-Mail-Adresse" in added.output
    assert "example" not in hotline("staff", "list").output


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_counsellors_address_is_checked_when_added_and_when_changed(hotline, address):
    added = hotline("counsellor", "add", "Ben", "--phone", "+49 228 555100", "--email", address)
    assert added.exit_code == 2 and "keine gültige E-Mail-Adresse" in added.output
    assert hotline("counsellor", "add", "Ben", "--phone", "+49 228 555100").exit_code == 0
    changed = hotline("counsellor", "email", "Ben", address)
    assert changed.exit_code != 0 and "keine gültige E-Mail-Adresse" in changed.output


@pytest.mark.parametrize("name", ["Mia\x1b[31m", "Mia\nSommer", "Mia\x00", "Mia\u202eSommer"])
def test_a_counsellors_name_may_not_hold_control_characters(hotline, name):
    added = hotline("counsellor", "add", name, "--phone", "0228 1234567")
    assert added.exit_code == 2 and "keine Steuerzeichen" in added.output
    assert "Mia" not in hotline("counsellor", "list").output


def test_a_staff_account_is_found_by_its_address_however_it_is_typed(hotline):
    added = hotline(
        "staff",
        "add",
        "Chefin@Bürgeramt.Example",
        "--role",
        "admin",
        "--password-stdin",
        input=PASSWORD,
    )
    assert added.exit_code == 0, added.output
    assert "chefin@xn--brgeramt-65a.example" in hotline("staff", "list").output
    assert hotline("staff", "disable", "chefin@bürgeramt.example").exit_code == 0
