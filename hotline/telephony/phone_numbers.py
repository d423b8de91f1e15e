"""Caller numbers as Twilio sends them: withheld numbers in all their spellings, and masking."""

from __future__ import annotations

import re

import phonenumbers

# Twilio sends withheld caller IDs as words, or as their keypad spellings from some carriers:
# +266696687 = ANONYMOUS, +7378742833 = RESTRICTED, +86282452253 = UNAVAILABLE,
# +2562533 = BLOCKED, +8656696 = UNKNOWN, +7748283 = PRIVATE.
WITHHELD_WORDS = frozenset(
    {"anonymous", "restricted", "unknown", "private", "unavailable", "blocked", "withheld"}
)
WITHHELD_KEYPAD_SPELLINGS = frozenset(
    {"+266696687", "+7378742833", "+86282452253", "+2562533", "+8656696", "+7748283"}
)


_E164 = re.compile(r"\+[1-9]\d{7,14}")


def is_withheld(caller: str | None) -> bool:
    """True when the caller did not (or could not) show a number we could call back."""
    value = (caller or "").strip()
    if not value or value.lower().lstrip("+") in WITHHELD_WORDS:
        return True
    if value in WITHHELD_KEYPAD_SPELLINGS:
        return True
    if _E164.fullmatch(value):  # what Twilio sends for a shown number; parsing costs more
        return False
    try:
        parsed = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        return True
    return not phonenumbers.is_possible_number(parsed)


def to_e164(number: str, region: str = "DE") -> str:
    """Normalise a number typed by staff (e.g. "0151 2345678") to E.164; ValueError if invalid."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask(number: str) -> str:
    """For console output only: "+49151•••••67"."""
    if len(number) <= 6:
        return "•" * len(number)
    return number[:6] + "•" * (len(number) - 8) + number[-2:]
