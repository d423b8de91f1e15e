"""What callers notice about the opening hours: when the line is open, why not, when next."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.hours.config import Closure, default_hours_config, parse_hours_config
from scheduling.hours.opening_hours import ClosedReason, HoursOverride, OpeningHours

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


@pytest.fixture
def hours() -> OpeningHours:
    return OpeningHours(default_hours_config())


# A plain Tuesday: 2026-11-24.


def test_the_line_is_open_until_one_second_before_four(hours: OpeningHours) -> None:
    assert hours.is_open(berlin(2026, 11, 24, 15, 59, 59))
    assert not hours.is_open(berlin(2026, 11, 24, 16))


def test_the_line_opens_at_nine_sharp(hours: OpeningHours) -> None:
    assert not hours.is_open(berlin(2026, 11, 24, 8, 59, 59))
    assert hours.is_open(berlin(2026, 11, 24, 9))


def test_while_open_the_status_says_when_the_line_closes(hours: OpeningHours) -> None:
    status = hours.status_at(berlin(2026, 11, 24, 10, 30))

    assert status.is_open
    assert status.reason is None and status.reason_name is None
    assert status.closes_at == berlin(2026, 11, 24, 16)
    assert status.next_opening is None
    assert hours.next_opening(berlin(2026, 11, 24, 10, 30)) is None


def test_a_tuesday_evening_caller_hears_wednesday_nine(hours: OpeningHours) -> None:
    at = berlin(2026, 11, 24, 20)
    status = hours.status_at(at)

    assert not status.is_open
    assert status.at == at
    assert status.reason is ClosedReason.OUTSIDE_HOURS
    assert status.next_opening == berlin(2026, 11, 25, 9)
    assert hours.next_opening(at) == berlin(2026, 11, 25, 9)


def test_a_saturday_caller_hears_it_is_the_weekend_and_monday_nine(hours: OpeningHours) -> None:
    status = hours.status_at(berlin(2026, 11, 28, 11))

    assert status.reason is ClosedReason.WEEKEND
    assert status.next_opening == berlin(2026, 11, 30, 9)


def test_the_answer_does_not_depend_on_the_time_zone_of_the_question(hours: OpeningHours) -> None:
    status = hours.status_at(datetime(2026, 11, 24, 19, tzinfo=UTC))  # 20:00 in Berlin

    assert status.next_opening == berlin(2026, 11, 25, 9)
    assert status.next_opening.tzinfo == BERLIN


def test_a_naive_time_is_refused(hours: OpeningHours) -> None:
    with pytest.raises(ValueError, match="naive"):
        hours.status_at(datetime(2026, 11, 24, 10))


# Public holidays.


def test_on_good_friday_the_caller_hears_the_line_opens_on_tuesday(hours: OpeningHours) -> None:
    status = hours.status_at(berlin(2026, 4, 3, 10))

    assert not status.is_open
    assert status.reason is ClosedReason.HOLIDAY
    assert status.reason_name == "Karfreitag"
    assert status.next_opening == berlin(2026, 4, 7, 9)  # Ostermontag is closed too
    assert hours.holiday_name(date(2026, 4, 6)) == "Ostermontag"


def test_reformation_day_closes_the_line_only_where_it_is_a_holiday() -> None:
    friday = berlin(2025, 10, 31, 10)
    lower_saxony = OpeningHours(parse_hours_config({"holiday_region": "NI"}))
    status = lower_saxony.status_at(friday)

    assert status.reason is ClosedReason.HOLIDAY
    assert status.reason_name == "Reformationstag"
    assert OpeningHours(parse_hours_config({"holiday_region": "NW"})).is_open(friday)
    assert OpeningHours(parse_hours_config({"holiday_region": ""})).is_open(friday)


def test_a_holiday_outranks_the_weekend_as_the_reason(hours: OpeningHours) -> None:
    status = hours.status_at(berlin(2026, 12, 26, 10))  # Saturday, Zweiter Weihnachtstag

    assert status.reason is ClosedReason.HOLIDAY
    assert status.reason_name == "Zweiter Weihnachtstag"


# Clock changes: 09:00 is 09:00 local on both sides of a DST change.


def test_after_the_spring_clock_change_the_line_opens_at_nine_summer_time(
    hours: OpeningHours,
) -> None:
    opening = hours.next_opening(berlin(2026, 3, 28, 19))  # Saturday before 2026-03-29

    assert opening == berlin(2026, 3, 30, 9)
    assert opening.isoformat() == "2026-03-30T09:00:00+02:00"


def test_after_the_autumn_clock_change_the_line_opens_at_nine_winter_time(
    hours: OpeningHours,
) -> None:
    opening = hours.next_opening(berlin(2026, 10, 24, 19))  # Saturday before 2026-10-25

    assert opening == berlin(2026, 10, 26, 9)
    assert opening.isoformat() == "2026-10-26T09:00:00+01:00"


def test_on_the_monday_after_the_spring_change_nine_local_is_seven_utc(
    hours: OpeningHours,
) -> None:
    assert not hours.is_open(datetime(2026, 3, 30, 6, 59, 59, tzinfo=UTC))
    status = hours.status_at(datetime(2026, 3, 30, 7, tzinfo=UTC))
    assert status.is_open
    assert status.closes_at.isoformat() == "2026-03-30T16:00:00+02:00"


def test_on_the_friday_before_the_spring_change_nine_local_is_eight_utc(
    hours: OpeningHours,
) -> None:
    assert not hours.is_open(datetime(2026, 3, 27, 7, 59, 59, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 3, 27, 8, tzinfo=UTC))


# Closures.


def test_on_christmas_eve_the_line_is_closed_by_the_configured_closure(
    hours: OpeningHours,
) -> None:
    status = hours.status_at(berlin(2026, 12, 24, 10))  # a Thursday

    assert status.reason is ClosedReason.CLOSURE
    assert status.reason_name == "Heiligabend"


def test_before_christmas_the_caller_hears_the_monday_after(hours: OpeningHours) -> None:
    status = hours.status_at(berlin(2026, 12, 23, 17))

    assert status.next_opening == berlin(2026, 12, 28, 9)


def test_a_one_off_closure_range_keeps_the_line_closed_on_all_its_days() -> None:
    config = parse_hours_config(
        {"closures": [{"from": "2026-12-28", "to": "2026-12-30", "name": "Betriebsferien"}]}
    )
    hours = OpeningHours(config)

    status = hours.status_at(berlin(2026, 12, 29, 10))
    assert status.reason is ClosedReason.CLOSURE
    assert status.reason_name == "Betriebsferien"
    assert status.next_opening == berlin(2026, 12, 31, 9)  # Silvester is no longer closed
    assert hours.is_open(berlin(2026, 12, 24, 10))  # the default closures were replaced


# Overrides set by staff.


def test_a_team_meeting_closes_the_line_and_it_reopens_when_the_meeting_ends() -> None:
    meeting = HoursOverride(
        False, berlin(2026, 11, 24, 11), berlin(2026, 11, 24, 12), "Teamsitzung", "Bis gleich"
    )
    hours = OpeningHours(default_hours_config(), [meeting])

    status = hours.status_at(berlin(2026, 11, 24, 11, 30))
    assert not status.is_open
    assert status.reason is ClosedReason.OVERRIDE
    assert status.reason_name == "Bis gleich"  # what callers hear: the announcement
    assert status.override_note == "Teamsitzung"  # for staff only
    assert status.next_opening == berlin(2026, 11, 24, 12)
    assert hours.status_at(berlin(2026, 11, 24, 10)).closes_at == berlin(2026, 11, 24, 11)


def test_a_closed_override_reaching_past_closing_time_moves_the_opening_to_the_next_day() -> None:
    training = HoursOverride(False, berlin(2026, 11, 24, 14), berlin(2026, 11, 24, 18), "Schulung")
    hours = OpeningHours(default_hours_config(), [training])

    assert hours.next_opening(berlin(2026, 11, 24, 15)) == berlin(2026, 11, 25, 9)


def test_extra_evening_hours_open_the_line_until_their_end() -> None:
    evening = HoursOverride(True, berlin(2026, 11, 24, 18), berlin(2026, 11, 24, 21), "Aktionstag")
    hours = OpeningHours(default_hours_config(), [evening])

    status = hours.status_at(berlin(2026, 11, 24, 19))
    assert status.is_open
    assert status.closes_at == berlin(2026, 11, 24, 21)
    assert hours.next_opening(berlin(2026, 11, 24, 17)) == berlin(2026, 11, 24, 18)


def test_extra_hours_that_join_the_regular_window_extend_it() -> None:
    early = HoursOverride(True, berlin(2026, 11, 25, 7), berlin(2026, 11, 25, 9), "Frühdienst")
    hours = OpeningHours(default_hours_config(), [early])

    assert hours.status_at(berlin(2026, 11, 25, 8)).closes_at == berlin(2026, 11, 25, 16)


def test_a_night_shift_running_into_the_next_morning_keeps_the_line_open_until_four() -> None:
    night = HoursOverride(True, berlin(2026, 11, 24, 20), berlin(2026, 11, 25, 9), "Nachtdienst")
    hours = OpeningHours(default_hours_config(), [night])

    status = hours.status_at(berlin(2026, 11, 24, 21))
    assert status.is_open
    assert status.closes_at == berlin(2026, 11, 25, 16)


def test_an_override_must_end_after_it_starts_and_know_its_time_zone() -> None:
    with pytest.raises(ValueError):
        HoursOverride(False, berlin(2026, 11, 24, 12), berlin(2026, 11, 24, 11), "x")
    with pytest.raises(ValueError):
        HoursOverride(False, datetime(2026, 11, 24, 11), berlin(2026, 11, 24, 12), "x")


# Windows for planners (callbacks, appointments).


def test_open_windows_skip_holidays_and_closures_and_apply_overrides() -> None:
    meeting = HoursOverride(False, berlin(2026, 12, 22, 11), berlin(2026, 12, 22, 12), "Team")
    hours = OpeningHours(default_hours_config(), [meeting])

    assert hours.open_windows(date(2026, 12, 22), date(2026, 12, 28)) == [
        (berlin(2026, 12, 22, 9), berlin(2026, 12, 22, 11)),
        (berlin(2026, 12, 22, 12), berlin(2026, 12, 22, 16)),
        (berlin(2026, 12, 23, 9), berlin(2026, 12, 23, 16)),
        (berlin(2026, 12, 28, 9), berlin(2026, 12, 28, 16)),
    ]


def test_open_windows_are_clipped_to_the_days_asked_for() -> None:
    overnight = HoursOverride(True, berlin(2026, 11, 24, 20), berlin(2026, 11, 25, 2), "Nacht")
    hours = OpeningHours(default_hours_config(), [overnight])

    assert hours.open_windows(date(2026, 11, 25), date(2026, 11, 25)) == [
        (berlin(2026, 11, 25, 0), berlin(2026, 11, 25, 2)),
        (berlin(2026, 11, 25, 9), berlin(2026, 11, 25, 16)),
    ]
    assert hours.open_windows(date(2026, 11, 25), date(2026, 11, 24)) == []


def test_split_windows_leave_the_lunch_break_closed() -> None:
    config = parse_hours_config({"weekly": {"mon": ["09:00-12:00", "13:00-16:00"]}})
    hours = OpeningHours(config)

    status = hours.status_at(berlin(2026, 11, 30, 12, 30))
    assert status.reason is ClosedReason.OUTSIDE_HOURS
    assert status.next_opening == berlin(2026, 11, 30, 13)
    assert hours.status_at(berlin(2026, 11, 30, 10)).closes_at == berlin(2026, 11, 30, 12)


def test_without_any_hours_there_is_no_next_opening() -> None:
    config = replace(default_hours_config(), weekly={})

    assert OpeningHours(config).status_at(berlin(2026, 11, 24, 10)).next_opening is None


def test_a_recurring_closure_object_works_without_the_parser() -> None:
    config = replace(
        default_hours_config(), closures=(Closure(name="Teamtag", month_day=(11, 24)),)
    )
    status = OpeningHours(config).status_at(berlin(2026, 11, 24, 10))

    assert (status.reason, status.reason_name) == (ClosedReason.CLOSURE, "Teamtag")
