"""Dates, times and digits as a person would say them, for text-to-speech in German and English.

TTS engines read "09:00" or "28.12.2026" awkwardly ("null neun Doppelpunkt ..."), so the phrases
here spell times the way the counsellors would say them: "ab Montag, dem 28. Dezember, um 9 Uhr".
A German date's article follows its grammatical case, which the sentence around it decides:
"ab Montag, dem 28. Dezember" (dative) but "gebucht für Montag, den 28. Dezember" (accusative);
so whoever asks for a date names the case. Weekday and month names are data
(`hotline.calendar_names`) rather than a locale, so the output does not depend on the
machine's locale settings.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from hotline.calendar_names import DATE_ARTICLES_DE, MONTHS, WEEKDAYS, GrammaticalCase
from hotline.clock import require_aware
from hotline.hours.config import HoursConfig, TimeWindow
from ivr_flows.prompts import LANGUAGES

WEEKDAYS_ADVERB_DE = (
    "montags",
    "dienstags",
    "mittwochs",
    "donnerstags",
    "freitags",
    "samstags",
    "sonntags",
)
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
    _check_language(lang)
    local_at, local_now = require_aware(at).astimezone(tz), require_aware(now).astimezone(tz)
    days_ahead = (local_at.date() - local_now.date()).days
    day = _spoken_date(local_at.date(), local_now.year, lang, case)
    clock = spoken_time(local_at.time(), lang)
    if lang == "de":
        if days_ahead == 0:
            return f"heute um {clock}"
        if days_ahead == 1:
            return f"morgen, {day}, um {clock}"
        return f"{day}, um {clock}"
    if days_ahead == 0:
        return f"today at {clock}"
    if days_ahead == 1:
        return f"tomorrow, {day}, at {clock}"
    return f"{day} at {clock}"


def spoken_slot(at: datetime, now: datetime, lang: str, *, tz: tzinfo) -> str:
    """A booked time standing on its own in a sentence ("Wir rufen Sie … an"): "heute um
    14:30 Uhr", "morgen, Dienstag, den 1. Dezember, um 10 Uhr" (a time without preposition
    is accusative), "am Montag, dem 30. November, um 9 Uhr" ("am" takes the dative)."""
    local_at, local_now = require_aware(at).astimezone(tz), require_aware(now).astimezone(tz)
    if (local_at.date() - local_now.date()).days < 2:
        return spoken_opening(at, now, lang, tz=tz, case="accusative")
    phrase = spoken_opening(at, now, lang, tz=tz, case="dative")
    return f"am {phrase}" if lang == "de" else f"on {phrase}"


def as_sentence_start(phrase: str) -> str:
    """ "am Montag ..." opening a sentence: "Am Montag ..."."""
    return phrase[:1].upper() + phrase[1:]


def spoken_weekly_hours(config: HoursConfig, lang: str) -> str:
    """Regular hours, equal neighbouring days grouped: "montags bis freitags von 9 bis 16 Uhr"."""
    _check_language(lang)
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
        return "zurzeit zu keinen festen Zeiten" if lang == "de" else "at no regular times"
    phrases = [
        f"{_spoken_days(first, last, lang)} {_spoken_windows(w, lang)}" for first, last, w in groups
    ]
    return _join(phrases, "und" if lang == "de" else "and")


def spoken_digits(digits: str, lang: str) -> str:
    """Digit by digit with a pause every four: "1 2 3 4, 5 6 7 8" (spaces and hyphens dropped)."""
    _check_language(lang)
    chars = [char for char in digits if not char.isspace() and char != "-"]
    groups = (chars[index : index + DIGIT_GROUP] for index in range(0, len(chars), DIGIT_GROUP))
    return ", ".join(" ".join(group) for group in groups)


def spoken_time(at: time, lang: str) -> str:
    """A time of day: "9 Uhr", "9 Uhr 30"; "9 a.m.", "9:30 a.m.", "noon"."""
    _check_language(lang)
    if lang == "de":
        return f"{at.hour} Uhr" + (f" {at.minute}" if at.minute else "")
    if at.minute == 0 and at.hour in (0, 12):
        return "midnight" if at.hour == 0 else "noon"
    hour = at.hour % 12 or 12
    suffix = "a.m." if at.hour < 12 else "p.m."
    return f"{hour}:{at.minute:02d} {suffix}" if at.minute else f"{hour} {suffix}"


def _spoken_date(day: date, current_year: int, lang: str, case: GrammaticalCase) -> str:
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    year = f" {day.year}" if day.year != current_year else ""
    if lang == "de":
        return f"{weekday}, {DATE_ARTICLES_DE[case]} {day.day}. {month}{year}"
    return f"{weekday} {day.day} {month}{year}"


def _spoken_days(first: int, last: int, lang: str) -> str:
    names = WEEKDAYS_ADVERB_DE if lang == "de" else WEEKDAYS["en"]
    if first == last:
        return names[first]
    if last == first + 1:
        return f"{names[first]} {'und' if lang == 'de' else 'and'} {names[last]}"
    return f"{names[first]} {'bis' if lang == 'de' else 'to'} {names[last]}"


def _spoken_windows(windows: tuple[TimeWindow, ...], lang: str) -> str:
    if lang == "de":
        return " und ".join(_spoken_window_de(window) for window in windows)
    return " and ".join(
        f"from {spoken_time(w.opens, 'en')} to {spoken_time(w.closes, 'en')}" for w in windows
    )


def _spoken_window_de(window: TimeWindow) -> str:
    if window.opens.minute == 0 and window.closes.minute == 0:
        return f"von {window.opens.hour} bis {window.closes.hour} Uhr"
    return f"von {spoken_time(window.opens, 'de')} bis {spoken_time(window.closes, 'de')}"


def _join(phrases: list[str], conjunction: str) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return f"{', '.join(phrases[:-1])} {conjunction} {phrases[-1]}"


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")


SPOKEN_SIGNS = {
    "de": {"@": "ät", ".": "Punkt", "-": "Bindestrich", "_": "Unterstrich", "/": "Schrägstrich"},
    "en": {"@": "at", ".": "dot", "-": "dash", "_": "underscore", "/": "slash"},
}


def spelled_out(address: str, lang: str) -> str:
    """Letter by letter, for writing it down: "i, n, f, o, ät, s, t, a, …, Punkt, d, e"
    ("ät", as German speakers say "@"; "at" would be read as the preposition)."""
    _check_language(lang)
    signs = SPOKEN_SIGNS[lang]
    return ", ".join(signs.get(char, char) for char in address.lower() if not char.isspace())


def spoken_address(url: str, lang: str) -> str:
    """A web address as it is said: "hotline.example.org Schrägstrich termin"."""
    _check_language(lang)
    rest = url.split("://", 1)[-1].rstrip("/")
    slash = f" {SPOKEN_SIGNS[lang]['/']} "
    return slash.join(part for part in rest.split("/") if part)
