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

from hotline.appointments.config import AppointmentsConfig
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
        self._length, self._buffer = config.length, config.buffer
        self._hours = hours
        self._availability = availability
        self._callbacks_booked = callbacks_booked  # places taken per callback slot start (UTC)
        self._callback_slot = callback_slot
        # per callback slot, as asked: whom its callbacks hold (None: more than are free)
        self._held_for_callbacks: dict[datetime, frozenset[int] | None] = {}
        self._starts: dict[tuple[date, date], dict[datetime, bool]] = {}

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
        return [
            VideoSlot(start, start + self._length)
            for start, in_hours in self._candidate_starts(first_day, last_day).items()
            if earliest <= start <= latest and self._fitting(start, in_hours, first_only=True)
        ]

    def counsellors_for(self, start: datetime, now: datetime) -> list[int]:
        """Counsellors who could take an appointment at `start`, in id order (none when the
        start is not on the grid or not bookable now)."""
        start = start.astimezone(UTC)
        earliest, latest = self.bookable_range(now)
        if not earliest <= start <= latest:
            return []
        day = start.astimezone(self.timezone).date()
        in_hours = self._candidate_starts(day, day).get(start)
        if in_hours is None:
            return []
        return self._fitting(start, in_hours, first_only=False)

    def _fitting(self, start: datetime, in_hours: bool, *, first_only: bool) -> list[int]:
        """Free for the appointment with its buffer, leaving room for the callbacks booked
        while it holds them."""
        end = start + self._length
        held_until = end + self._buffer

        def fitting(excluding: set[int] | None = None) -> list[int]:
            return self._availability.fitting(
                start,
                end,
                held_until=held_until,
                in_hours=in_hours,
                by_arrangement=True,
                first_only=first_only,
                per_day=self._config.max_per_counsellor_per_day,
                excluding=excluding or (),
            )

        candidates = fitting()
        if not candidates or not self._callbacks_booked:  # in a full calendar: mostly none
            return candidates
        needed = self._needed_for_callbacks(start, held_until)
        if needed is None:
            return []
        if not first_only:
            return [cid for cid in candidates if cid not in needed]
        return candidates if candidates[0] not in needed else fitting(excluding=needed)

    def _needed_for_callbacks(self, start: datetime, end: datetime) -> set[int] | None:
        """Who must stay free for the callbacks booked in the callback slots [start, end)
        touches: where as many are booked as counsellors are free for them, every one of
        those; None where more are booked than that (nobody may be taken then)."""
        needed: set[int] = set()
        for block in self._callback_blocks(start, end):
            booked = self._callbacks_booked.get(block, 0)
            if not booked:
                continue
            held = self._held_for(block, booked)
            if held is None:
                return None
            needed |= held
        return needed

    def _held_for(self, block: datetime, booked: int) -> frozenset[int] | None:
        """Whom the `booked` callbacks of a callback slot hold (computed once per slot): no
        one while more are free than booked (looking no further than one more), all who are
        free when as many are booked, None when more are booked than are free."""
        if block not in self._held_for_callbacks:
            free = self._availability.fitting(
                block, block + self._callback_slot, at_most=booked + 1
            )
            held = frozenset() if len(free) > booked else frozenset(free)
            self._held_for_callbacks[block] = None if len(free) < booked else held
        return self._held_for_callbacks[block]

    def _callback_blocks(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """The callback slots [start, end) touches (they are aligned to local midnight)."""
        step = self._callback_slot
        local = start.astimezone(self.timezone)
        midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
        block = (midnight + ((local - midnight) // step) * step).astimezone(UTC)
        while block < end:
            yield block
            block += step

    def _candidate_starts(self, first_day: date, last_day: date) -> dict[datetime, bool]:
        """Grid starts (UTC, in order) of the opening windows (True: inside the opening
        hours) and of every window by arrangement (False, unless also in hours)."""
        key = (first_day, last_day)
        if key not in self._starts:
            length, step = self._length, self._config.step
            starts: dict[datetime, bool] = {}
            day = first_day
            while day <= last_day:
                if self._hours.day_off_name(day) is None:
                    for start in self._arrangement_starts(day):
                        starts[start] = False
                day += timedelta(days=1)
            for window_start, window_end in self._hours.open_windows(first_day, last_day):
                for start in _grid(window_start, window_end, length, step):
                    starts[start] = True
            self._starts[key] = dict(sorted(starts.items()))
        return self._starts[key]

    def _arrangement_starts(self, day: date) -> Iterator[datetime]:
        tz = self.timezone
        for cid in self._availability.counsellor_ids:
            for opens, closes in self._availability.arrangement_windows(cid, day.weekday()):
                window_start = datetime.combine(day, opens, tzinfo=tz)
                window_end = datetime.combine(day, closes, tzinfo=tz)
                yield from _grid(window_start, window_end, self._length, self._config.step)


def _grid(
    window_start: datetime, window_end: datetime, length: timedelta, step: timedelta
) -> Iterator[datetime]:
    start = window_start
    while start + length <= window_end:
        yield start.astimezone(UTC)
        start += step
