"""The hotline's opening hours as configured: weekly windows, holiday region, closures.

Read from the `[hours]` section of the TOML config (the dict `tomllib` returns). Every key is
optional; a missing key falls back to the real hotline: Monday to Friday 09:00–16:00
Europe/Berlin, public holidays of Nordrhein-Westfalen (the office is in Bonn), closed on
Heiligabend and Silvester::

    [hours]
    timezone = "Europe/Berlin"     # EU summer-time rule or none: the calendar files need it
    holiday_region = "NW"          # Land code from holidays.Germany.subdivisions; "" = nationwide
    [hours.weekly]                 # keys mon tue wed thu fri sat sun; an omitted day is closed;
                                   # if the whole table is omitted: Monday to Friday 09:00-16:00
    mon = ["09:00-16:00"]          # several windows allowed: ["09:00-12:00", "13:00-16:00"]
    [[hours.closures]]             # if any closure is given, the default closures are replaced
    date = "12-24"                 # MM-DD = every year, YYYY-MM-DD = once
    name = "Heiligabend"           # German, spoken to callers
    [[hours.closures]]
    from = "2026-12-28"            # inclusive range
    to = "2026-12-30"
    name = "Betriebsferien"

Unknown keys are refused rather than ignored, so a typo cannot silently keep the defaults.
Every error is a HoursConfigError whose message starts with the offending key.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from hotline.appointments.calendar import check_writable_zone
from hotline.texts import text

DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_HOLIDAY_REGION = "NW"
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The years a zone is checked in: the calendar files (invitations, feeds) are written in the
# zone of the hours, and can only be for a zone with the EU summer-time rule or none at all.
CALENDAR_YEARS = range(2024, 2041)
_WINDOW_PATTERN = re.compile(r"^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$")
_HOURS_KEYS = frozenset({"timezone", "holiday_region", "weekly", "closures"})
_CLOSURE_KEYS = frozenset({"date", "from", "to", "name"})


class HoursConfigError(ValueError):
    """The `[hours]` section cannot be used; the message names the key to fix."""


@dataclass(frozen=True)
class TimeWindow:
    """One opening window within a single local day, half-open: [opens, closes)."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError("must open before it closes on the same day")


@dataclass(frozen=True)
class Closure:
    """Days the line stays shut although they are no public holiday (Heiligabend, team days).

    Either a one-off inclusive range (first_day..last_day) or a (month, day) every year.
    """

    name: str
    first_day: date | None = None
    last_day: date | None = None
    month_day: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        is_range = self.first_day is not None and self.last_day is not None
        is_partial_range = (self.first_day is None) != (self.last_day is None)
        if is_partial_range or is_range == (self.month_day is not None):
            raise ValueError("a closure is either a first_day..last_day range or a month_day")
        if is_range and self.first_day > self.last_day:
            raise ValueError(f"{self.last_day} is before from {self.first_day}")

    def covers(self, day: date) -> bool:
        if self.month_day is not None:
            return (day.month, day.day) == self.month_day
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class HoursConfig:
    """Everything the opening-hours logic needs to know, validated."""

    timezone: ZoneInfo
    weekly: Mapping[int, tuple[TimeWindow, ...]]  # 0 = Monday ... 6 = Sunday; missing = closed
    holiday_region: str | None  # `holidays` subdiv code; None = nationwide holidays only
    closures: tuple[Closure, ...]


def default_weekly() -> Mapping[int, tuple[TimeWindow, ...]]:
    window = (TimeWindow(time(9), time(16)),)
    return MappingProxyType(dict.fromkeys(range(5), window))


def default_closures() -> tuple[Closure, ...]:
    return (
        Closure(name=text("calendar.default_closures.christmas_eve"), month_day=(12, 24)),
        Closure(name=text("calendar.default_closures.new_years_eve"), month_day=(12, 31)),
    )


def default_hours_config() -> HoursConfig:
    """The real hotline: Mon–Fri 09:00–16:00 Berlin time, NRW holidays, shut on 24.12. and 31.12."""
    return HoursConfig(
        timezone=ZoneInfo(DEFAULT_TIMEZONE),
        weekly=default_weekly(),
        holiday_region=DEFAULT_HOLIDAY_REGION,
        closures=default_closures(),
    )


def parse_hours_config(section: Mapping[str, Any]) -> HoursConfig:
    """Build a HoursConfig from the `[hours]` table; raise HoursConfigError naming the key."""
    if not isinstance(section, Mapping):
        raise HoursConfigError("hours: must be a table")
    _refuse_unknown_keys(section, _HOURS_KEYS, "hours")
    weekly = section.get("weekly")
    closures = section.get("closures")
    return HoursConfig(
        timezone=_parse_timezone(section.get("timezone", DEFAULT_TIMEZONE)),
        weekly=default_weekly() if weekly is None else _parse_weekly(weekly),
        holiday_region=_parse_holiday_region(section.get("holiday_region", DEFAULT_HOLIDAY_REGION)),
        closures=default_closures() if closures is None else _parse_closures(closures),
    )


def _refuse_unknown_keys(table: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    for key in table:
        if key not in known:
            raise HoursConfigError(
                f"{where}.{key}: unknown key (known: {', '.join(sorted(known))})"
            )


def _parse_timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise HoursConfigError(f"hours.timezone: {value!r} is not a time zone name")
    try:
        zone = ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursConfigError(f"hours.timezone: unknown time zone {value!r}") from None
    try:
        check_writable_zone(zone, CALENDAR_YEARS)
    except ValueError as problem:
        raise HoursConfigError(f"hours.timezone: {problem}") from None
    return zone


def _parse_holiday_region(value: Any) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or value not in holidays.Germany.subdivisions:
        known = ", ".join(holidays.Germany.subdivisions)
        raise HoursConfigError(
            f'hours.holiday_region: unknown region {value!r} (known: {known}; "" = nationwide)'
        )
    return value


def _parse_weekly(table: Any) -> Mapping[int, tuple[TimeWindow, ...]]:
    if not isinstance(table, Mapping):
        raise HoursConfigError("hours.weekly: must be a table with keys mon ... sun")
    weekly: dict[int, tuple[TimeWindow, ...]] = {}
    for key, value in table.items():
        if key not in WEEKDAY_KEYS:
            raise HoursConfigError(
                f"hours.weekly.{key}: unknown weekday (use {', '.join(WEEKDAY_KEYS)})"
            )
        windows = _parse_day_windows(value, f"hours.weekly.{key}")
        if windows:
            weekly[WEEKDAY_KEYS.index(key)] = windows
    return MappingProxyType(dict(sorted(weekly.items())))


def _parse_day_windows(value: Any, where: str) -> tuple[TimeWindow, ...]:
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list):
        raise HoursConfigError(f'{where}: must be a list such as ["09:00-16:00"]')
    windows = sorted((_parse_window(text, where) for text in texts), key=lambda w: w.opens)
    for earlier, later in itertools.pairwise(windows):
        if later.opens < earlier.closes:
            raise HoursConfigError(
                f"{where}: windows {_format(earlier)} and {_format(later)} overlap"
            )
    return tuple(windows)


def _parse_window(text: Any, where: str) -> TimeWindow:
    match = _WINDOW_PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise HoursConfigError(f"{where}: {text!r} is not HH:MM-HH:MM")
    hour_open, minute_open, hour_close, minute_close = (int(part) for part in match.groups())
    try:
        opens, closes = time(hour_open, minute_open), time(hour_close, minute_close)
    except ValueError:
        raise HoursConfigError(f"{where}: {text!r} is not a time of day") from None
    try:
        return TimeWindow(opens, closes)
    except ValueError as error:
        raise HoursConfigError(f"{where}: {text!r} {error}") from None


def _format(window: TimeWindow) -> str:
    return f"{window.opens:%H:%M}-{window.closes:%H:%M}"


def _parse_closures(entries: Any) -> tuple[Closure, ...]:
    if not isinstance(entries, list):
        raise HoursConfigError("hours.closures: must be an array of tables ([[hours.closures]])")
    return tuple(
        _parse_closure(entry, f"hours.closures[{index}]") for index, entry in enumerate(entries)
    )


def _parse_closure(entry: Any, where: str) -> Closure:
    if not isinstance(entry, Mapping):
        raise HoursConfigError(f"{where}: must be a table with date or from/to, and name")
    _refuse_unknown_keys(entry, _CLOSURE_KEYS, where)
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise HoursConfigError(f"{where}.name: a closure needs a name callers can hear")
    name = name.strip()
    if "date" in entry:
        if "from" in entry or "to" in entry:
            raise HoursConfigError(f"{where}.date: give either date or from/to, not both")
        return _parse_single_date(entry["date"], name, f"{where}.date")
    if "from" not in entry or "to" not in entry:
        missing = "to" if "from" in entry else "from"
        raise HoursConfigError(f"{where}.{missing}: missing (give date, or both from and to)")
    first_day = _parse_full_date(entry["from"], f"{where}.from")
    last_day = _parse_full_date(entry["to"], f"{where}.to")
    try:
        return Closure(name=name, first_day=first_day, last_day=last_day)
    except ValueError as error:
        raise HoursConfigError(f"{where}.to: {error}") from None


def _parse_single_date(value: Any, name: str, where: str) -> Closure:
    if isinstance(value, str) and re.fullmatch(r"\d{2}-\d{2}", value):
        month, day = int(value[:2]), int(value[3:])
        try:
            date(2000, month, day)  # a leap year, so that 02-29 is allowed
        except ValueError:
            raise HoursConfigError(f"{where}: {value!r} is not a valid MM-DD") from None
        return Closure(name=name, month_day=(month, day))
    day = _parse_full_date(value, where, expected="YYYY-MM-DD once, or MM-DD every year")
    return Closure(name=name, first_day=day, last_day=day)


def _parse_full_date(value: Any, where: str, expected: str = "YYYY-MM-DD") -> date:
    """Accept "YYYY-MM-DD" or a TOML date literal (tomllib gives a datetime.date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        with contextlib.suppress(ValueError):  # e.g. 2026-02-30: reported below
            return date.fromisoformat(value)
    raise HoursConfigError(f"{where}: {value!r} is not a date ({expected})")
