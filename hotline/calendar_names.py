"""Weekday and month names in the hotline's languages, and German dates written with them
("Dienstag, 1. Dezember 2026, 10:00 Uhr"), from `hotline/texts/calendar.toml`: what callers
hear and officials read must not depend on the machine's locale settings."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Literal

from hotline.texts import sequence, text

# A German date with its weekday takes the article of its grammatical case: "ab Montag, dem
# 30. November" and "am Montag, dem …" (dative, after "ab", "am", "seit", "bis zum"), but
# "gebucht für Montag, den 30. November" and "morgen, Dienstag, den 1. Dezember" (accusative,
# after "für", "auf", or standing alone as a time). Whoever builds a date names the case.
GrammaticalCase = Literal["dative", "accusative"]
DATE_ARTICLES_DE: dict[GrammaticalCase, str] = {
    "dative": text("calendar.articles.dative"),
    "accusative": text("calendar.articles.accusative"),
}

LANGUAGES = ("de", "en")
WEEKDAYS = {lang: sequence(f"calendar.weekdays.{lang}") for lang in LANGUAGES}
SHORT_WEEKDAYS = {lang: sequence(f"calendar.weekdays_short.{lang}") for lang in LANGUAGES}
MONTHS = {lang: sequence(f"calendar.months.{lang}") for lang in LANGUAGES}


def _key(name: str, lang: str) -> str:
    """German formats stand at the top of the calendar catalog, the others in their table."""
    return f"calendar.{name}" if lang == "de" else f"calendar.{lang}.{name}"


def long_date_time(at: datetime, tz: tzinfo, lang: str = "de") -> str:
    local = at.astimezone(tz)
    return text(
        _key("long_date_time", lang),
        weekday=WEEKDAYS[lang][local.weekday()],
        day=local.day,
        month=MONTHS[lang][local.month - 1],
        year=local.year,
        at=local,
    )


def short_date_time(at: datetime, tz: tzinfo, lang: str = "de") -> str:
    return text(_key("short_date_time", lang), at=at.astimezone(tz))


def short_day(day: date, lang: str = "de") -> str:
    """ "Fr., 27. November" ("Fri, 27 November"): the day chosen on a booking page."""
    return text(
        _key("short_day", lang),
        weekday=WEEKDAYS[lang][day.weekday()],
        day=day.day,
        month=MONTHS[lang][day.month - 1],
    )


def day_of_month(day: date, lang: str = "de") -> str:
    """ "27.11." or "27 Nov": a day under its weekday in a week to choose from."""
    return text(
        _key("day_of_month", lang),
        day=day.day,
        month=day.month,
        month_name=MONTHS[lang][day.month - 1],
    )
