"""What the caller hears when the line is closed: dates, times and numbers said naturally."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.hours.config import default_hours_config, parse_hours_config
from ivr_flows.speech import (
    spoken_digits,
    spoken_opening,
    spoken_weekly_hours,
)

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


THURSDAY_EVENING = berlin(2026, 11, 26, 20)


@pytest.mark.parametrize(
    ("at", "now", "german", "english"),
    [
        (
            berlin(2026, 11, 26, 9),
            berlin(2026, 11, 26, 7),
            "heute um 9 Uhr",
            "today at 9 a.m.",
        ),
        (
            berlin(2026, 11, 27, 9),
            THURSDAY_EVENING,
            "morgen, Freitag, dem 27. November, um 9 Uhr",
            "tomorrow, Friday 27 November, at 9 a.m.",
        ),
        (
            berlin(2026, 12, 28, 9),
            berlin(2026, 12, 23, 17),
            "Montag, dem 28. Dezember, um 9 Uhr",
            "Monday 28 December at 9 a.m.",
        ),
        (
            berlin(2027, 1, 4, 9),
            berlin(2026, 12, 30, 17),
            "Montag, dem 4. Januar 2027, um 9 Uhr",
            "Monday 4 January 2027 at 9 a.m.",
        ),
        (
            berlin(2026, 11, 30, 9, 30),
            THURSDAY_EVENING,
            "Montag, dem 30. November, um 9 Uhr 30",
            "Monday 30 November at 9:30 a.m.",
        ),
        (
            berlin(2026, 11, 26, 13),
            berlin(2026, 11, 26, 12),
            "heute um 13 Uhr",
            "today at 1 p.m.",
        ),
    ],
)
def test_the_caller_hears_when_the_line_opens_next(
    at: datetime, now: datetime, german: str, english: str
) -> None:
    assert spoken_opening(at, now, "de", tz=BERLIN, case="dative") == german
    assert spoken_opening(at, now, "en", tz=BERLIN, case="dative") == english


def test_today_and_tomorrow_follow_the_berlin_calendar_not_utc() -> None:
    now = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already Friday 00:30 in Berlin

    assert (
        spoken_opening(berlin(2026, 11, 27, 9), now, "de", tz=BERLIN, case="dative")
        == "heute um 9 Uhr"
    )


def test_an_opening_in_the_new_year_said_on_new_years_eve_names_the_year() -> None:
    phrase = spoken_opening(
        berlin(2027, 1, 1, 9), berlin(2026, 12, 31, 18), "de", tz=BERLIN, case="dative"
    )

    assert phrase == "morgen, Freitag, dem 1. Januar 2027, um 9 Uhr"


def test_noon_is_said_as_noon_in_english() -> None:
    assert spoken_opening(
        berlin(2026, 11, 26, 12), berlin(2026, 11, 26, 8), "en", tz=BERLIN, case="dative"
    ) == ("today at noon")


def test_a_naive_time_or_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        spoken_opening(datetime(2026, 11, 27, 9), THURSDAY_EVENING, "de", tz=BERLIN, case="dative")
    with pytest.raises(ValueError):
        spoken_opening(berlin(2026, 11, 27, 9), THURSDAY_EVENING, "fr", tz=BERLIN, case="dative")


def test_the_regular_hours_are_said_as_one_phrase() -> None:
    config = default_hours_config()

    assert spoken_weekly_hours(config, "de") == "montags bis freitags von 9 bis 16 Uhr"
    assert spoken_weekly_hours(config, "en") == "Monday to Friday from 9 a.m. to 4 p.m."


def test_days_with_different_hours_are_said_in_groups() -> None:
    config = parse_hours_config(
        {
            "weekly": {
                "mon": ["09:00-12:00", "13:00-16:00"],
                "tue": ["09:00-12:00", "13:00-16:00"],
                "wed": ["09:00-12:00", "13:00-16:00"],
                "fri": ["09:30-16:00"],
            }
        }
    )

    assert spoken_weekly_hours(config, "de") == (
        "montags bis mittwochs von 9 bis 12 Uhr und von 13 bis 16 Uhr"
        " und freitags von 9 Uhr 30 bis 16 Uhr"
    )
    assert spoken_weekly_hours(config, "en") == (
        "Monday to Wednesday from 9 a.m. to noon and from 1 p.m. to 4 p.m."
        " and Friday from 9:30 a.m. to 4 p.m."
    )


def test_two_neighbouring_days_are_joined_with_and() -> None:
    config = parse_hours_config({"weekly": {"thu": ["10:00-14:00"], "fri": ["10:00-14:00"]}})

    assert spoken_weekly_hours(config, "de") == "donnerstags und freitags von 10 bis 14 Uhr"


def test_a_case_number_is_read_digit_by_digit_in_blocks_of_four() -> None:
    assert spoken_digits("12345678", "de") == "1 2 3 4, 5 6 7 8"
    assert spoken_digits("1234 5678", "en") == "1 2 3 4, 5 6 7 8"
    assert spoken_digits("123", "de") == "1 2 3"
