"""Callback slots in plain Python: inside the opening hours, aligned, with room for as many
callbacks as counsellors are available (capped), minus the places already booked."""

from __future__ import annotations

from datetime import UTC, date, time

import pytest

from hotline.callbacks.config import (
    CallbacksConfig,
    CallbacksConfigError,
    parse_callbacks_config,
)
from hotline.hours.config import parse_hours_config
from scheduling.availability.service import Availability, parse_window
from scheduling.callbacks.slots import SlotFinder
from scheduling.hours.opening_hours import OpeningHours
from tests.support.times import berlin

HOURS = parse_hours_config({})
TZ = HOURS.timezone


def availability(
    counsellors: int = 2,
    windows: dict[int, list[str]] | None = None,
    absences: dict[int, list[tuple[date, date]]] | None = None,
) -> Availability:
    weekly: dict[int, dict[int, list[tuple[time, time]]]] = {}
    for counsellor, texts in (windows or {}).items():
        for text in texts:
            window = parse_window(text)
            weekly.setdefault(counsellor, {}).setdefault(window.weekday, []).append(
                (window.opens, window.closes)
            )
    return Availability(range(1, counsellors + 1), weekly, absences or {}, TZ)


DEFAULTS = CallbacksConfig()


def finder(config=DEFAULTS, available=None, booked=None) -> SlotFinder:
    return SlotFinder(config, OpeningHours(HOURS), available or availability(), booked or {})


def starts(slots) -> list:
    return [slot.start for slot in slots]


def test_the_next_three_slots_start_at_the_next_opening():
    slots = finder().free_slots(berlin(2026, 11, 28, 11, 0), 3)
    assert starts(slots) == [
        berlin(2026, 11, 30, 9, 0),
        berlin(2026, 11, 30, 9, 15),
        berlin(2026, 11, 30, 9, 30),
    ]
    assert all(slot.start.tzinfo == UTC for slot in slots)
    assert [slot.free for slot in slots] == [2, 2, 2]


def test_during_hours_the_first_slot_leaves_the_notice_and_is_aligned():
    [slot] = finder().free_slots(berlin(2026, 11, 26, 10, 7), 1)
    assert slot.start == berlin(2026, 11, 26, 10, 30)  # 10:17 at the earliest, next quarter


def test_the_last_slot_of_the_day_ends_at_closing():
    slots = finder().free_slots(berlin(2026, 11, 26, 15, 30), 2)
    assert starts(slots) == [berlin(2026, 11, 26, 15, 45), berlin(2026, 11, 27, 9, 0)]


def test_booked_places_are_taken_off_and_full_slots_skipped():
    nine = berlin(2026, 11, 30, 9, 0).astimezone(UTC)
    quarter_past = berlin(2026, 11, 30, 9, 15).astimezone(UTC)
    slots = finder(booked={nine: 2, quarter_past: 1}).free_slots(berlin(2026, 11, 28, 11, 0), 2)
    assert starts(slots) == [quarter_past, berlin(2026, 11, 30, 9, 30)]
    assert slots[0].free == 1 and slots[0].capacity == 2


def test_the_cap_limits_places_per_slot():
    config = CallbacksConfig(max_per_slot=1)
    [slot] = finder(config, availability(5)).free_slots(berlin(2026, 11, 28, 11, 0), 1)
    assert slot.capacity == 1


def test_windows_and_absences_shape_the_capacity():
    available = availability(
        2,
        windows={1: ["mon=10:00-12:00"]},
        absences={2: [(date(2026, 11, 30), date(2026, 11, 30))]},
    )
    slots = finder(available=available).free_slots(berlin(2026, 11, 28, 11, 0), 2)
    assert starts(slots) == [berlin(2026, 11, 30, 10, 0), berlin(2026, 11, 30, 10, 15)]
    assert [slot.capacity for slot in slots] == [1, 1]


def test_holidays_are_skipped():
    [slot] = finder().free_slots(berlin(2027, 3, 26, 10, 30), 1)  # Karfreitag
    assert slot.start == berlin(2027, 3, 30, 9, 0)


def test_nobody_available_means_no_slot_within_the_horizon():
    assert finder(available=availability(0)).free_slots(berlin(2026, 11, 28, 11, 0), 3) == []


def test_slots_across_the_clock_change_keep_local_times():
    [slot] = finder().free_slots(berlin(2027, 3, 27, 12, 0), 1)  # summer time from Sunday
    assert slot.start.astimezone(TZ).time() == time(9, 0)
    assert slot.start.astimezone(UTC).hour == 7


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"slot_minutes": 7}, "callbacks.slot_minutes"),
        ({"slot_minutes": 0}, "callbacks.slot_minutes"),
        ({"max_attempts": "3"}, "callbacks.max_attempts"),
        ({"max_per_slot": -1}, "callbacks.max_per_slot"),
        ({"offered": 3}, "callbacks.offered: unknown key"),
        ({"caller_retry_minutes": True}, "callbacks.caller_retry_minutes"),
    ],
)
def test_a_wrong_callbacks_section_is_refused_with_the_key(section, message):
    with pytest.raises(CallbacksConfigError, match=message):
        parse_callbacks_config(section)


def test_the_callbacks_section_is_read():
    config = parse_callbacks_config({"slot_minutes": 30, "max_per_slot": 2, "max_attempts": 5})
    assert (config.slot_minutes, config.max_per_slot, config.max_attempts) == (30, 2, 5)
    assert config.caller_retry_minutes == 15
