"""The days to choose on the booking page and on the manage page: one week at a time, Monday
to Sunday, with links to the weeks before and after, and the chosen day's times right below.

Every free day of the six weeks ahead as its own button pushed the times 1,300 px down a
phone's screen; a week fits one row. Server-rendered links (`?tag=YYYY-MM-DD`): no JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hotline.calendar_names import MONTHS, SHORT_WEEKDAYS, day_of_month, short_day
from hotline.inputs import Refused, calendar_day
from hotline.texts import text
from scheduling.appointments.desk import AppointmentDesk
from scheduling.appointments.slots import VideoSlot
from web.page_language import catalog_of

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class DayChoice:
    """One day of the week shown; a link when something is free that day."""

    iso: str
    weekday: str  # "Fr."
    date: str  # "27.11."
    free: bool


@dataclass(frozen=True)
class Week:
    title: str  # "30. November bis 6. Dezember 2026"
    days: list[DayChoice]
    previous: str | None  # the Monday of the nearest earlier week with a free day
    next: str | None  # ... of the nearest later one


def slot_context(
    desk: AppointmentDesk,
    wanted: str | None,
    day_link: Callable[[str], str],
    default: date | None = None,
    lang: str = "de",
) -> dict[str, Any]:
    """What `_slots.html` and the time choices show, in the page's language. `wanted`: the
    day asked for (a link, a form after an error), else `default` (the booked day when
    moving), else the first free."""
    tz = desk.tz
    today = desk.now.astimezone(tz).date()
    last = today + timedelta(days=desk.config.horizon_days)
    by_day: dict[date, list[VideoSlot]] = {}
    for slot in desk.free_slots(today, desk.config.horizon_days + 1):
        by_day.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    day = choose_day(by_day, _asked(wanted) or default, today, last)
    times = [
        {
            "value": slot.start.astimezone(tz).isoformat(),
            "label": f"{slot.start.astimezone(tz):%H:%M}",
        }
        for slot in by_day.get(day, [])
    ]
    return {
        "week": week_of(day, by_day, lang),
        "any_free": bool(by_day),
        "day": day.isoformat(),
        "day_label": short_day(day, lang),
        "times": times,
        "day_link": day_link,
    }


def choose_day(free: Collection[date], asked: date | None, today: date, last: date) -> date:
    """The asked day when something is free on it; else the first free day of its week from
    it on, else of its week; a day outside the bookable range (or none) is the first free."""
    first_free = min(free, default=today)
    if asked is None or not today <= asked <= last:
        return first_free
    if asked in free:
        return asked
    monday = _monday(asked)
    in_week = sorted(day for day in free if monday <= day < monday + WEEK)
    later = [day for day in in_week if day >= asked]
    return (later or in_week or [asked])[0]


def week_of(day: date, free: Collection[date], lang: str = "de") -> Week:
    monday = _monday(day)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    earlier = [d for d in free if d < monday]
    later = [d for d in free if d >= monday + WEEK]
    return Week(
        title=_title(days[0], days[-1], lang),
        days=[
            DayChoice(
                d.isoformat(), SHORT_WEEKDAYS[lang][d.weekday()], day_of_month(d, lang), d in free
            )
            for d in days
        ],
        previous=_monday(max(earlier)).isoformat() if earlier else None,
        next=_monday(min(later)).isoformat() if later else None,
    )


def _asked(wanted: str | None) -> date | None:
    try:
        return calendar_day(wanted) if wanted else None
    except Refused:  # a hand-made link: the day given by default instead
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _title(first: date, last: date, lang: str) -> str:
    """ "23. bis 29. November 2026", "30. November bis 6. Dezember 2026", "28. Dezember 2026
    bis 3. Januar 2027"."""
    month = MONTHS[lang]
    if first.year != last.year:
        which = "across_years"
    elif first.month != last.month:
        which = "same_year"
    else:
        which = "same_month"
    return text(
        f"{catalog_of(lang)}.week_title.{which}",
        first_day=first.day,
        first_month=month[first.month - 1],
        first_year=first.year,
        last_day=last.day,
        last_month=month[last.month - 1],
        last_year=last.year,
    )
