"""Video-call slots: where an appointment can start, and which counsellors could take it.

A slot is free while at least one counsellor is available for its whole length, has nothing
booked within the buffer around it, and taking them leaves enough counsellors for the
callbacks already booked at that time. Slots lie on each window's grid (length + buffer from
the window's start): inside the opening hours for every counsellor, and in a counsellor's own
windows by arrangement ("nach Vereinbarung") outside them. Plain Python over what the desk
loads once, so that a month of slots is answered in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from scheduling.appointments.config import AppointmentsConfig
from scheduling.availability.service import Availability
from scheduling.hours.opening_hours import OpeningHours


@dataclass(frozen=True)
class VideoSlot:
    start: datetime  # UTC
    end: datetime


class AppointmentSlots:
    def __init__(
        self,
        config: AppointmentsConfig,
        hours: OpeningHours,
        availability: Availability,
        callbacks_booked: Mapping[datetime, int],
        callback_slot: timedelta,
    ) -> None:
        self._config = config
        self._hours = hours
        self._availability = availability
        self._callbacks_booked = callbacks_booked  # places taken per callback slot start (UTC)
        self._callback_slot = callback_slot

    @property
    def timezone(self) -> tzinfo:
        return self._hours.timezone

    def bookable_range(self, now: datetime) -> tuple[datetime, datetime]:
        """The earliest start (notice) and the latest (horizon) a booking may have."""
        earliest = now + timedelta(minutes=self._config.min_notice_minutes)
        return earliest, now + timedelta(days=self._config.horizon_days)

    def free_slots(self, now: datetime, first_day: date, days: int) -> list[VideoSlot]:
        """Free slots on the local days first_day .. first_day + days - 1, within notice and
        horizon, in time order."""
        earliest, latest = self.bookable_range(now)
        last_day = first_day + timedelta(days=days - 1)
        free = []
        for start in self._candidate_starts(first_day, last_day):
            if earliest <= start <= latest and self.counsellors_for(start):
                free.append(VideoSlot(start, start + self._config.length))
        return free

    def is_free(self, start: datetime, now: datetime) -> bool:
        """A start someone asked for: on the grid, bookable now, and free."""
        start = start.astimezone(UTC)
        earliest, latest = self.bookable_range(now)
        if not earliest <= start <= latest:
            return False
        day = start.astimezone(self.timezone).date()
        on_grid = start in set(self._candidate_starts(day, day))
        return on_grid and bool(self.counsellors_for(start))

    def counsellors_for(self, start: datetime) -> list[int]:
        """Counsellors who could take an appointment at `start` (UTC), in id order."""
        config = self._config
        end = start + config.length
        availability = self._availability
        in_hours = self._hours.is_open(start) and self._hours.is_open(end - timedelta(seconds=1))
        fitting = [
            cid
            for cid in availability.counsellor_ids
            if not availability.busy(cid, start, end + config.buffer)
            and (
                (in_hours and availability.available(cid, start, end))
                or availability.available_by_arrangement(cid, start, end)
            )
        ]
        if not fitting:
            return []
        return [cid for cid in fitting if self._leaves_room_for_callbacks(cid, start, end)]

    def _leaves_room_for_callbacks(
        self, counsellor_id: int, start: datetime, end: datetime
    ) -> bool:
        """Callbacks booked while the appointment runs still find a counsellor each."""
        for block in self._callback_blocks(start, end):
            booked = self._callbacks_booked.get(block, 0)
            if not booked:
                continue
            block_end = block + self._callback_slot
            others = self._availability.count_available(block, block_end)
            if self._availability.available(counsellor_id, block, block_end):
                others -= 1
            if others < booked:
                return False
        return True

    def _callback_blocks(self, start: datetime, end: datetime) -> Iterator[datetime]:
        step = self._callback_slot
        local = start.astimezone(self.timezone)
        midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        block = midnight + ((local - midnight) // step) * step
        while block < end:
            yield block.astimezone(UTC)
            block += step

    def _candidate_starts(self, first_day: date, last_day: date) -> list[datetime]:
        """Grid starts of the opening windows and of every window by arrangement (UTC)."""
        config = self._config
        starts: set[datetime] = set()
        for window_start, window_end in self._hours.open_windows(first_day, last_day):
            starts.update(_grid(window_start, window_end, config.length, config.step))
        day = first_day
        while day <= last_day:
            if self._hours.holiday_name(day) is None:
                starts.update(self._arrangement_starts(day))
            day += timedelta(days=1)
        return sorted(starts)

    def _arrangement_starts(self, day: date) -> Iterator[datetime]:
        tz = self.timezone
        config = self._config
        for cid in self._availability.counsellor_ids:
            for opens, closes in self._availability.arrangement_windows(cid, day.weekday()):
                window_start = datetime.combine(day, opens, tzinfo=tz)
                window_end = datetime.combine(day, closes, tzinfo=tz)
                yield from _grid(window_start, window_end, config.length, config.step)


def _grid(
    window_start: datetime, window_end: datetime, length: timedelta, step: timedelta
) -> Iterator[datetime]:
    start = window_start
    while start + length <= window_end:
        yield start.astimezone(UTC)
        start += step
