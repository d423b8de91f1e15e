"""Callback slots: inside opening hours, `slot_minutes` long, each with room for as many
callbacks as counsellors are available then (capped), minus those booked there already.

Plain Python over what the desk loads once: the opening hours (holidays, closures, overrides),
the counsellors' availability and the booked places per slot.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from hotline.callbacks.config import CallbacksConfig
from scheduling.availability.service import Availability
from scheduling.hours.opening_hours import OpeningHours


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    capacity: int  # places in all
    free: int  # places left


class SlotFinder:
    def __init__(
        self,
        config: CallbacksConfig,
        hours: OpeningHours,
        availability: Availability,
        booked: Mapping[datetime, int],
    ) -> None:
        self._config = config
        self._hours = hours
        self._availability = availability
        self._booked = booked

    def capacity(self, start: datetime) -> int:
        end = start + self._config.slot
        count = self._availability.count_available(start, end)
        cap = self._config.max_per_slot
        return min(count, cap) if cap else count

    def slot_at(self, start: datetime) -> Slot:
        capacity = self.capacity(start)
        booked = self._booked.get(start.astimezone(UTC), 0)
        return Slot(start, start + self._config.slot, capacity, max(capacity - booked, 0))

    def free_slots(self, now: datetime, count: int) -> list[Slot]:
        """The first `count` slots with a place left, from `now` plus the notice."""
        return list(islice(self._free(now), count))

    def free_between(self, now: datetime, first_day: date, last_day: date) -> list[Slot]:
        """The slots with a place left on the local days first_day .. last_day."""
        tz = self._hours.timezone
        found = []
        for slot in self._free(now):
            day = slot.start.astimezone(tz).date()
            if day > last_day:
                break
            if day >= first_day:
                found.append(slot)
        return found

    def _free(self, now: datetime) -> Iterator[Slot]:
        for start in self.candidate_starts(now):
            slot = self.slot_at(start)
            if slot.free > 0:
                yield slot

    def candidate_starts(self, now: datetime) -> Iterator[datetime]:
        """Slot starts inside the opening windows, aligned to the slot length."""
        config = self._config
        earliest = now + timedelta(minutes=config.min_notice_minutes)
        first_day = earliest.astimezone(self._hours.timezone).date()
        last_day = first_day + timedelta(days=config.horizon_days)
        for window_start, window_end in self._hours.open_windows(first_day, last_day):
            local_earliest = earliest.astimezone(self._hours.timezone)
            start = _aligned(max(window_start, local_earliest), config.slot_minutes)
            while start + config.slot <= window_end:
                yield start.astimezone(UTC)
                start += config.slot


def _aligned(at: datetime, minutes: int) -> datetime:
    """`at` rounded up to the next multiple of `minutes` after local midnight."""
    midnight = datetime.combine(at.date(), time(0), tzinfo=at.tzinfo)
    step = timedelta(minutes=minutes)
    passed = at - midnight
    steps = -(-passed // step)  # ceiling
    return midnight + steps * step
