"""The `[appointments]` section of HOTLINE_CONFIG.

[appointments]
slot_minutes = 45            # length of a video-call appointment
buffer_minutes = 15          # kept free after each appointment (notes, a breath)
min_notice_minutes = 120     # no booking, move or cancellation online closer to the start
max_per_counsellor_per_day = 0   # appointments one counsellor takes on a day; 0 = no limit
horizon_days = 42            # how far ahead appointments can be booked (6 weeks)
offered_by_phone = 3         # slots read to a caller who books by phone
reminder_hours = [24, 1]     # reminders this many hours before the start
alarm_minutes = 15           # the calendar's own reminder (VALARM)
bookings_per_client = "10 per hour;3 per minute"   # Flask-Limiter rate for booking requests
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hotline.sections import known_items


class AppointmentsConfigError(ValueError):
    """The `[appointments]` section cannot be used; the message names the key."""


@dataclass(frozen=True)
class AppointmentsConfig:
    slot_minutes: int = 45
    buffer_minutes: int = 15
    min_notice_minutes: int = 120
    max_per_counsellor_per_day: int = 0  # 0: as many as their windows hold
    horizon_days: int = 42
    offered_by_phone: int = 3
    reminder_hours: tuple[int, ...] = (24, 1)
    alarm_minutes: int = 15
    bookings_per_client: str = "10 per hour;3 per minute"

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def step(self) -> timedelta:
        """From one slot start to the next on a counsellor's grid."""
        return self.length + self.buffer


def parse_appointments_config(section: Mapping[str, Any]) -> AppointmentsConfig:
    values: dict[str, Any] = {}
    for key, value, _ in known_items(
        section, "appointments", AppointmentsConfig, AppointmentsConfigError
    ):
        if key == "reminder_hours":
            values[key] = _reminder_hours(value)
        elif key == "bookings_per_client":
            if not isinstance(value, str) or not value.strip():
                raise AppointmentsConfigError(
                    "appointments.bookings_per_client: a rate such as '10 per hour'"
                )
            values[key] = value.strip()
        else:
            zero_allowed = ("buffer_minutes", "min_notice_minutes", "max_per_counsellor_per_day")
            smallest = 0 if key in zero_allowed else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
                raise AppointmentsConfigError(f"appointments.{key}: a whole number >= {smallest}")
            values[key] = value
    return AppointmentsConfig(**values)


def _reminder_hours(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(hours, int) and not isinstance(hours, bool) and hours >= 1 for hours in value
    ):
        raise AppointmentsConfigError(
            "appointments.reminder_hours: a list of whole hours >= 1, e.g. [24, 1]"
        )
    return tuple(sorted(set(value), reverse=True))
