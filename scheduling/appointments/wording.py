"""Dates as German readers expect them in mails and SMS ("Dienstag, 1. Dezember 2026,
10:00 Uhr"), without depending on the machine's locale."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from hotline.calendar_names import MONTHS, WEEKDAYS


def long_date_time(at: datetime, tz: tzinfo) -> str:
    local = at.astimezone(tz)
    return (
        f"{WEEKDAYS['de'][local.weekday()]}, {local.day}. {MONTHS['de'][local.month - 1]} "
        f"{local.year}, "
        f"{local:%H:%M} Uhr"
    )


def short_date_time(at: datetime, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y, %H:%M} Uhr"


def short_day(day: date) -> str:
    """ "Fr., 27. November": a day to choose on the booking page."""
    return f"{WEEKDAYS['de'][day.weekday()][:2]}., {day.day}. {MONTHS['de'][day.month - 1]}"
