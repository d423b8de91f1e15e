"""The words for appointments that are not in a template: their states (for the console and
the CLI alike) and days as the booking page offers them ("Fr., 27. November"), from
`hotline/texts/appointments.toml`. Dates and times in mails and SMS come from
`hotline.calendar_names`."""

from __future__ import annotations

from datetime import date

from hotline.calendar_names import MONTHS, WEEKDAYS
from hotline.texts import text, words

STATE_NAMES = words("appointments.states")
KIND_NAMES = words("appointments.kinds")


def short_day(day: date, lang: str = "de") -> str:
    """ "Fr., 27. November" ("Fri, 27 November"): a day to choose on the booking page."""
    return text(
        "appointments.short_day" if lang == "de" else f"calendar.{lang}.short_day",
        weekday=WEEKDAYS[lang][day.weekday()],
        day=day.day,
        month=MONTHS[lang][day.month - 1],
    )
