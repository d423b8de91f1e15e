"""Dates, times and digits as a person would say them, for text-to-speech in German and English.

TTS engines read "09:00" or "28.12.2026" awkwardly ("null neun Doppelpunkt ..."), so the phrases
here spell times the way the counsellors would say them: "ab Montag, dem 28. Dezember, um 9 Uhr".
A German date's article follows its grammatical case, which the sentence around it decides:
"ab Montag, dem 28. Dezember" (dative) but "gebucht für Montag, den 28. Dezember" (accusative);
so whoever asks for a date names the case. The words are data (`catalogs/speech.toml`, weekday
and month names in `hotline.calendar_names`) rather than a locale, so the output does not
depend on the machine's locale settings.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from functools import cache
from importlib import resources
from typing import Any

from hotline.calendar_names import DATE_ARTICLES_DE, MONTHS, WEEKDAYS, GrammaticalCase
from hotline.clock import require_aware
from hotline.hours.config import HoursConfig, TimeWindow
from ivr_flows.prompts import LANGUAGES

DIGIT_GROUP = 4  # case references are read and shown in blocks of four


def spoken_opening(
    at: datetime, now: datetime, lang: str, *, tz: tzinfo, case: GrammaticalCase
) -> str:
    """A moment relative to now, to follow a preposition that governs `case`: after "ab"
    (dative) "morgen, Freitag, dem 27. November, um 9 Uhr", after "für" (accusative)
    "Montag, den 30. November, um 9 Uhr".

    Both moments are converted to `tz` (the hotline's configured zone) so that a UTC `now`
    from the clock and an opening in the config's zone compare by local day.
    """
    said = _said(lang)
    local_at, local_now = require_aware(at).astimezone(tz), require_aware(now).astimezone(tz)
    days_ahead = (local_at.date() - local_now.date()).days
    day = _spoken_date(local_at.date(), local_now.year, lang, case)
    clock = spoken_time(local_at.time(), lang)
    which = {0: "today", 1: "tomorrow"}.get(days_ahead, "later")
    return said[which].format(day=day, clock=clock)


def spoken_slot(at: datetime, now: datetime, lang: str, *, tz: tzinfo) -> str:
    """A booked time standing on its own in a sentence ("Wir rufen Sie … an"): "heute um
    14:30 Uhr", "morgen, Dienstag, den 1. Dezember, um 10 Uhr" (a time without preposition
    is accusative), "am Montag, dem 30. November, um 9 Uhr" ("am" takes the dative)."""
    local_at, local_now = require_aware(at).astimezone(tz), require_aware(now).astimezone(tz)
    if (local_at.date() - local_now.date()).days < 2:
        return spoken_opening(at, now, lang, tz=tz, case="accusative")
    phrase = spoken_opening(at, now, lang, tz=tz, case="dative")
    return _said(lang)["on_day"].format(phrase=phrase)


def as_sentence_start(phrase: str) -> str:
    """ "am Montag ..." opening a sentence: "Am Montag ..."."""
    return phrase[:1].upper() + phrase[1:]


def spoken_weekly_hours(config: HoursConfig, lang: str) -> str:
    """Regular hours, equal neighbouring days grouped: "montags bis freitags von 9 bis 16 Uhr"."""
    said = _said(lang)
    groups: list[tuple[int, int, tuple[TimeWindow, ...]]] = []
    for weekday in range(7):
        windows = tuple(config.weekly.get(weekday, ()))
        if not windows:
            continue
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == windows:
            groups[-1] = (groups[-1][0], weekday, windows)
        else:
            groups.append((weekday, weekday, windows))
    if not groups:
        return said["no_regular_times"]
    phrases = [
        f"{_spoken_days(first, last, lang)} {_spoken_windows(w, lang)}" for first, last, w in groups
    ]
    return _join(phrases, said["and"])


def spoken_digits(digits: str, lang: str) -> str:
    """Digit by digit with a pause every four: "1 2 3 4, 5 6 7 8" (spaces and hyphens dropped)."""
    _check_language(lang)
    chars = [char for char in digits if not char.isspace() and char != "-"]
    groups = (chars[index : index + DIGIT_GROUP] for index in range(0, len(chars), DIGIT_GROUP))
    return ", ".join(" ".join(group) for group in groups)


def spoken_time(at: time, lang: str) -> str:
    """A time of day: "9 Uhr", "9 Uhr 30"; "9 a.m.", "9:30 a.m.", "noon"."""
    said = _said(lang)
    if at.minute == 0 and at.hour in (0, 12) and "noon" in said:  # a language that says so
        return said["midnight" if at.hour == 0 else "noon"]
    half = said.get("morning" if at.hour < 12 else "afternoon", "")
    return said["time" if at.minute else "time_on_the_hour"].format(
        hour=at.hour, hour12=at.hour % 12 or 12, minute=at.minute, half=half
    )


def _spoken_date(day: date, current_year: int, lang: str, case: GrammaticalCase) -> str:
    said = _said(lang)
    return said["date"].format(
        weekday=WEEKDAYS[lang][day.weekday()],
        article=DATE_ARTICLES_DE[case],
        day=day.day,
        month=MONTHS[lang][day.month - 1],
        year=said["year"].format(year=day.year) if day.year != current_year else "",
    )


def _spoken_days(first: int, last: int, lang: str) -> str:
    said = _said(lang)
    names = said["days"]
    if first == last:
        return names[first]
    pair_or_range = "day_pair" if last == first + 1 else "day_range"
    return said[pair_or_range].format(first=names[first], last=names[last])


def _spoken_windows(windows: tuple[TimeWindow, ...], lang: str) -> str:
    said = _said(lang)
    return f" {said['and']} ".join(_spoken_window(window, said, lang) for window in windows)


def _spoken_window(window: TimeWindow, said: Mapping[str, Any], lang: str) -> str:
    """ "von 9 bis 16 Uhr" on the hour, else "von 9 Uhr 30 bis 16 Uhr"."""
    on_the_hour = window.opens.minute == 0 and window.closes.minute == 0
    return said["window_on_the_hour" if on_the_hour else "window"].format(
        opens=spoken_time(window.opens, lang),
        closes=spoken_time(window.closes, lang),
        opens_hour=window.opens.hour,
        closes_hour=window.closes.hour,
    )


def _join(phrases: list[str], conjunction: str) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return f"{', '.join(phrases[:-1])} {conjunction} {phrases[-1]}"


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")


def _said(lang: str) -> Mapping[str, Any]:
    """The words of one language (ValueError for a language the hotline does not speak)."""
    _check_language(lang)
    return _speech()[lang]


@cache
def _speech() -> dict[str, dict[str, Any]]:
    """`catalogs/speech.toml`, read once."""
    text = resources.files("ivr_flows.catalogs").joinpath("speech.toml").read_text("utf-8")
    return tomllib.loads(text)


def spoken_sign(char: str, lang: str) -> str:
    """How a sign of an address is said ("ät" for "@"); any other character as it is."""
    signs: Mapping[str, str] = _said(lang)["signs"]
    return signs.get(char, char)


def spelled_out(address: str, lang: str) -> str:
    """Letter by letter, for writing it down: "i, n, f, o, ät, s, t, a, …, Punkt, d, e"
    ("ät", as German speakers say "@"; "at" would be read as the preposition)."""
    _check_language(lang)
    return ", ".join(spoken_sign(char, lang) for char in address.lower() if not char.isspace())


def spoken_address(url: str, lang: str) -> str:
    """A web address as it is said: "hotline.example.org Schrägstrich termin"."""
    _check_language(lang)
    rest = url.split("://", 1)[-1].rstrip("/")
    slash = f" {spoken_sign('/', lang)} "
    return slash.join(part for part in rest.split("/") if part)
