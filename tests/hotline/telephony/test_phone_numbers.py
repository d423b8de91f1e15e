"""Withheld caller IDs in all the spellings Twilio uses are anonymous callers."""

from __future__ import annotations

import pytest

from hotline.telephony.phone_numbers import is_withheld, mask, to_e164


@pytest.mark.parametrize(
    "caller",
    [
        "",
        "anonymous",
        "Anonymous",
        "restricted",
        "unknown",
        "private",
        "unavailable",
        "+266696687",
        "+7378742833",
        "+86282452253",
        "+2562533",
        "+8656696",
        "+491",
        "abc",
        None,
    ],
)
def test_withheld_spellings(caller):
    assert is_withheld(caller)


@pytest.mark.parametrize(
    "caller", ["+4915123456789", "+498003009944", "+12025550123", "0228 123456"]
)
def test_shown_numbers(caller):
    assert not is_withheld(caller)


def test_staff_numbers_are_normalised_or_refused():
    assert to_e164("0228 1234567") == "+492281234567"
    with pytest.raises(ValueError):
        to_e164("12")


def test_masking_keeps_only_the_ends():
    assert mask("+4915123456789") == "+49151••••••89"
