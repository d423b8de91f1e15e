"""Dates as German readers expect them in mails and SMS ("Dienstag, 1. Dezember 2026,
10:00 Uhr"), without depending on the machine's locale."""

from __future__ import annotations

from datetime import datetime, tzinfo

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
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
)


def long_date_time(at: datetime, tz: tzinfo) -> str:
    local = at.astimezone(tz)
    return (
        f"{WEEKDAYS[local.weekday()]}, {local.day}. {MONTHS[local.month - 1]} {local.year}, "
        f"{local:%H:%M} Uhr"
    )


def short_date_time(at: datetime, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%d.%m.%Y, %H:%M} Uhr"
