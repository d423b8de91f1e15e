"""The German words for appointments that are not in a template: their states (for the
console and the CLI alike) and days as the booking page offers them ("Fr., 27. November").
Dates and times in mails and SMS come from `hotline.calendar_names`."""

from __future__ import annotations

from datetime import date

from hotline.calendar_names import MONTHS, WEEKDAYS

STATE_NAMES: dict[str, str] = {"booked": "gebucht", "canceled": "abgesagt"}


def short_day(day: date) -> str:
    """ "Fr., 27. November": a day to choose on the booking page."""
    return f"{WEEKDAYS['de'][day.weekday()][:2]}., {day.day}. {MONTHS['de'][day.month - 1]}"
