"""Values from outside (a query, a form, a JSON body, a command-line option) turned into
numbers, days, moments and text that every later step can live with.

Python's own parsers take more than the service can use: `"²".isdigit()` is true but
`int("²")` fails; a 20-digit id overflows SQLite's integers, a 10-digit one PostgreSQL's;
`date(9999, 12, 31) + timedelta(days=1)` and year 0001 in UTC overflow deep inside the
slot search; PostgreSQL refuses a NUL byte in text; `json.loads` recurses once per level of
nesting. Each parser here refuses such a value with `Refused` (a ValueError, its message a
hint for operators); the edge that called it answers in its own words: a 422 naming the
field, a message on the page, a usage error.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, tzinfo

from hotline.plain_text import has_control_characters
from hotline.texts import text as catalog_text

LARGEST_ID = 2**31 - 1  # PostgreSQL's INTEGER; every id column fits it
FIRST_YEAR = 2000  # no date the hotline works with lies before ...
LAST_YEAR = 2100  # ... or after these years, and their neighbours stay in range for datetime
LONGEST_MOMENT = 40  # "2026-12-01T10:00:00.000000+01:00" and some blanks
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKETS = re.compile(r"[\[\]{}]")
_LINE_CONTROLS = frozenset("\t\n\r")


class Refused(ValueError):
    """A value from outside the service does not take; the message says what it expects."""


def _refused(reason: str, value: object, /, **values: object) -> Refused:
    """A refusal in the words of `hotline/texts/inputs.toml`."""
    return Refused(catalog_text(f"inputs.{reason}", value=value, **values))


def bounded_integer(value: object, *, least: int = 1, most: int = LARGEST_ID) -> int:
    """ASCII digits only (no sign, no blanks, no "²" or "١"), between `least` and `most`:
    ids default to 1 .. 2**31 - 1, so a lookup can never overflow the database's integer."""
    if (
        not isinstance(value, str)
        or not value.isascii()
        or not value.isdigit()
        or len(value) > len(str(most))
    ):
        raise _refused("not_an_integer", value, least=least, most=most)
    number = int(value)
    if not least <= number <= most:
        raise _refused("not_an_integer", value, least=least, most=most)
    return number


def bounded_integer_or_none(value: object, *, least: int = 1, most: int = LARGEST_ID) -> int | None:
    """`bounded_integer`, or None for anything else (a filter that is then not applied)."""
    try:
        return bounded_integer(value, least=least, most=most)
    except Refused:
        return None


def one_of(value: object, choices: tuple[str, ...]) -> str:
    """One of a few fixed words (a language code, a kind), exactly as written."""
    if not isinstance(value, str) or value not in choices:
        raise _refused("not_one_of", value, choices=", ".join(choices))
    return value


def calendar_day(value: object) -> date:
    """A day as forms send it, YYYY-MM-DD, in the years FIRST_YEAR to LAST_YEAR."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise _refused("not_a_day", value)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _refused("no_such_day", value) from None
    _check_year(day.year, value)
    return day


def aware_moment(value: object) -> datetime:
    """ISO 8601 with its offset (the API's and the booking page's times), in the years
    FIRST_YEAR to LAST_YEAR: its local and its UTC time both stay well inside datetime."""
    moment = _moment(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _refused("without_zone", value)
    _check_year(moment.astimezone(UTC).year, value)
    return moment


def local_moment(value: object, tz: tzinfo) -> datetime:
    """ISO 8601 date and time as staff type it ("2026-12-24 10:00", or a form's
    "2026-12-24T10:00"): local to `tz` unless it names an offset; years as `aware_moment`."""
    moment = _moment(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=tz)
    _check_year(moment.astimezone(UTC).year, value)
    return moment


def checked_text(value: object, *, multiline: bool = False) -> str:
    """Text people typed, without blanks around it ("" when there is none). Refused with
    control characters: a NUL byte (PostgreSQL refuses it in a text column), escape
    sequences, half a surrogate pair (only a JSON escape can send one; it cannot be stored
    as UTF-8). One line allows no control or format character at all (the rule of
    `hotline.plain_text`); `multiline` text (notes) keeps its line breaks and tabs."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if multiline:
        refused = any(
            unicodedata.category(char) in ("Cc", "Cs") and char not in _LINE_CONTROLS
            for char in text
        )
    else:
        refused = has_control_characters(text) or any(
            unicodedata.category(char) == "Cs" for char in text
        )
    if refused:
        raise _refused("control_characters", value)
    return text


def json_nesting_within(text: str, most: int) -> bool:
    """Whether JSON text nests arrays and objects at most `most` deep, judged without
    parsing it (`json.loads` recurses per level and fails on deep nesting with a
    RecursionError). Brackets inside strings do not count."""
    if text.count("[") + text.count("{") <= most:
        return True  # too few brackets to be any deeper
    depth = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > most:
            return False
    return True


def _moment(value: object) -> datetime:
    if not isinstance(value, str) or len(value) > LONGEST_MOMENT or not value.isascii():
        raise _refused("not_a_moment", value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _refused("not_a_moment", value) from None
    _check_year(moment.year, value)
    return moment


def _check_year(year: int, value: object) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _refused("year_out_of_range", value, first=FIRST_YEAR, last=LAST_YEAR)
