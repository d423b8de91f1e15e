"""Withheld caller IDs in all the spellings Twilio uses are anonymous callers."""

from __future__ import annotations

import pytest

from hotline.telephony.phone_numbers import (
    NumberRefused,
    callback_number,
    is_withheld,
    mask,
    to_e164,
)

HOTLINE = "+498003009944"


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


@pytest.mark.parametrize(
    ("typed", "e164", "mobile", "to_read"),
    [
        ("015123456789", "+4915123456789", True, "015123456789"),
        ("+4915123456789", "+4915123456789", True, "015123456789"),
        ("004915123456789", "+4915123456789", True, "015123456789"),
        ("022812345678", "+4922812345678", False, "022812345678"),
        ("0228 1234567", "+492281234567", False, "02281234567"),
        ("00436641234567", "+436641234567", True, "00436641234567"),
        ("0041441234567", "+41441234567", False, "0041441234567"),
        ("0800 1110111", "+498001110111", False, "08001110111"),  # toll-free, not ours
    ],
)
def test_callback_numbers_are_normalised(typed, e164, mobile, to_read):
    number = callback_number(typed, hotline_number=HOTLINE)
    assert (number.e164, number.is_mobile, number.digits_to_read) == (e164, mobile, to_read)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("09001234567", "premium"),
        ("+4919012345", "invalid"),
        ("01805123456", "shared_cost"),
        ("110", "emergency"),
        ("112", "emergency"),
        ("11833", "short"),
        ("12345", "invalid"),
        ("", "invalid"),
        ("0", "invalid"),
        ("*#", "invalid"),
        ("0151", "invalid"),
        ("01512345678901234567", "invalid"),
        ("08003009944", "ours"),
        ("+49 800 300 99 44", "ours"),
    ],
)
def test_numbers_that_cannot_be_called_back_are_refused_with_the_reason(typed, reason):
    with pytest.raises(NumberRefused) as refused:
        callback_number(typed, hotline_number=HOTLINE)
    assert refused.value.reason == reason


def test_the_hotlines_own_number_is_recognised_however_it_is_configured():
    with pytest.raises(NumberRefused) as refused:
        callback_number("+498003009944", hotline_number="0800 300 99 44")
    assert refused.value.reason == "ours"
    assert callback_number("+498003009944", hotline_number="+498001110111").e164 == HOTLINE
