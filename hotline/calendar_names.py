"""Weekday and month names in the hotline's languages, as data, and German dates written
with them ("Dienstag, 1. Dezember 2026, 10:00 Uhr"): what callers hear and officials read must
not depend on the machine's locale settings."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

# A German date with its weekday takes the article of its grammatical case: "ab Montag, dem
# 30. November" and "am Montag, dem …" (dative, after "ab", "am", "seit", "bis zum"), but
# "gebucht für Montag, den 30. November" and "morgen, Dienstag, den 1. Dezember" (accusative,
# after "für", "auf", or standing alone as a time). Whoever builds a date names the case.
GrammaticalCase = Literal["dative", "accusative"]
DATE_ARTICLES_DE: dict[GrammaticalCase, str] = {"dative": "dem", "accusative": "den"}

WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def long_date_time(at: datetime, tz: tzinfo) -> str:
    local = at.astimezone(tz)
    return (
        f"{WEEKDAYS['de'][local.weekday()]}, {local.day}. {MONTHS['de'][local.month - 1]} "
        f"{local.year}, "
        f"{local:%H:%M} Uhr"
    )


def short_date_time(at: datetime, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y, %H:%M} Uhr"
