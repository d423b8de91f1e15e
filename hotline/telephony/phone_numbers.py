"""Caller numbers as Twilio sends them: withheld numbers in all their spellings, and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import shortnumberinfo

from hotline.texts import text

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
    except phonenumbers.NumberParseException:
        raise ValueError(text("telephony.no_number")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(text("telephony.invalid_number"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask(number: str) -> str:
    """For console output only: "+49151•••••67"."""
    if len(number) <= 6:
        return "•" * len(number)
    return number[:6] + "•" * (len(number) - 8) + number[-2:]


class NumberRefused(ValueError):
    """Not a number to call back; `reason` names why (the caller hears it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # invalid, premium, shared_cost, short, emergency, ours


@dataclass(frozen=True)
class CallbackNumber:
    e164: str
    is_mobile: bool
    digits_to_read: str  # as the caller would dial it: "015123456789", "00431234567"


_ACCEPTED_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: False,
    phonenumbers.PhoneNumberType.MOBILE: True,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: False,
    phonenumbers.PhoneNumberType.VOIP: False,
    phonenumbers.PhoneNumberType.TOLL_FREE: False,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: False,
    phonenumbers.PhoneNumberType.UAN: False,
}
_REFUSED_TYPES = {
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
}


def callback_number(typed: str, *, hotline_number: str, region: str = "DE") -> CallbackNumber:
    """A number given for calling back (typed on the keypad, the caller's ID, the booking
    page's or the API's field) checked by the one policy all of them share: German numbers
    with 0 or +49/0049, other countries with 00; premium-rate, shared-cost, short, emergency,
    invalid (also numbers no one can dial, such as pagers) and the hotline's own number (a
    callback to it would ring us) are refused with the reason. Toll-free numbers are fine."""
    raw = typed.strip()
    digits = "".join(char for char in raw if char.isdigit())
    if shortnumberinfo.is_emergency_number(digits, region):
        raise NumberRefused("emergency")
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise NumberRefused("invalid") from None
    if len(digits) <= 6 and shortnumberinfo.is_valid_short_number_for_region(parsed, region):
        raise NumberRefused("short")
    if not phonenumbers.is_valid_number(parsed):
        raise NumberRefused("invalid")
    kind = phonenumbers.number_type(parsed)
    if kind in _REFUSED_TYPES:
        raise NumberRefused(_REFUSED_TYPES[kind])
    if kind not in _ACCEPTED_TYPES:
        raise NumberRefused("invalid")
    home = phonenumbers.region_code_for_number(parsed) == region
    shown = phonenumbers.format_number(
        parsed,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
    to_read = "".join(char for char in shown if char.isdigit())
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 == _as_e164(hotline_number, region):
        raise NumberRefused("ours")
    return CallbackNumber(e164, _ACCEPTED_TYPES[kind], to_read if home else "00" + to_read)


@lru_cache(maxsize=8)
def _as_e164(number: str, region: str) -> str:
    """The hotline's number as configured ("+498003009944", also "0800 300 99 44")."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(number, region), phonenumbers.PhoneNumberFormat.E164
        )
    except phonenumbers.NumberParseException:
        return number.strip()
