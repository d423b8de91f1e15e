"""Case reference numbers: 8 digits, random, the last a Damm check digit.

Damm catches every single wrong digit and every swap of two neighbouring digits, the two
mistakes people make when typing a number on a keypad.
"""

from __future__ import annotations

import secrets

REFERENCE_LENGTH = 8

_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class InvalidCaseReference(ValueError):
    """Not a case reference: wrong length, not digits, or a wrong check digit."""


def damm_check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return str(interim)


def new_case_reference() -> str:
    """A random reference; the first digit is never 0 so that spreadsheets keep all eight."""
    body = str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(REFERENCE_LENGTH - 2)
    )
    return body + damm_check_digit(body)


def normalise_case_reference(typed: str) -> str:
    """Accept "1234 5678" or "1234-5678"; return the 8 digits or raise InvalidCaseReference."""
    digits = "".join(ch for ch in typed if ch not in " -")
    if len(digits) != REFERENCE_LENGTH or not digits.isascii() or not digits.isdigit():
        raise InvalidCaseReference(f"a case reference has {REFERENCE_LENGTH} digits")
    if damm_check_digit(digits) != "0":
        raise InvalidCaseReference("the check digit does not match")
    return digits


def display_case_reference(reference: str) -> str:
    """Grouped for reading: "1234 5678"."""
    return f"{reference[:4]} {reference[4:]}"
