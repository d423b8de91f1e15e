"""Reading the [hours] section: the defaults match the real hotline, and mistakes are named."""

from __future__ import annotations

import tomllib
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from hotline.hours.config import (
    Closure,
    HoursConfigError,
    TimeWindow,
    default_hours_config,
    parse_hours_config,
)

NINE_TO_FOUR = (TimeWindow(time(9), time(16)),)


def test_an_empty_section_is_the_real_hotline_mon_to_fri_nine_to_four_in_bonn() -> None:
    config = parse_hours_config({})

    assert config == default_hours_config()
    assert config.timezone == ZoneInfo("Europe/Berlin")
    assert dict(config.weekly) == dict.fromkeys(range(5), NINE_TO_FOUR)
    assert config.holiday_region == "NW"
    assert [(c.name, c.month_day) for c in config.closures] == [
        ("Heiligabend", (12, 24)),
        ("Silvester", (12, 31)),
    ]


def test_the_documented_toml_example_parses() -> None:
    text = """
    [hours]
    timezone = "Europe/Berlin"
    holiday_region = "NI"
    [hours.weekly]
    mon = ["09:00-12:00", "13:00-16:00"]
    fri = ["09:00-13:00"]
    [[hours.closures]]
    date = "12-24"
    name = "Heiligabend"
    [[hours.closures]]
    from = "2026-12-28"
    to = "2026-12-30"
    name = "Betriebsferien"
    [[hours.closures]]
    date = 2026-06-05
    name = "Teamtag"
    """
    config = parse_hours_config(tomllib.loads(text)["hours"])

    assert config.holiday_region == "NI"
    assert dict(config.weekly) == {
        0: (TimeWindow(time(9), time(12)), TimeWindow(time(13), time(16))),
        4: (TimeWindow(time(9), time(13)),),
    }
    assert config.closures == (
        Closure(name="Heiligabend", month_day=(12, 24)),
        Closure(name="Betriebsferien", first_day=date(2026, 12, 28), last_day=date(2026, 12, 30)),
        Closure(name="Teamtag", first_day=date(2026, 6, 5), last_day=date(2026, 6, 5)),
    )


def test_an_empty_holiday_region_means_nationwide_holidays_only() -> None:
    assert parse_hours_config({"holiday_region": ""}).holiday_region is None


def test_an_empty_closure_list_removes_the_default_closures() -> None:
    assert parse_hours_config({"closures": []}).closures == ()


def test_a_day_with_an_empty_list_is_closed() -> None:
    config = parse_hours_config({"weekly": {"mon": ["09:00-16:00"], "tue": []}})
    assert dict(config.weekly) == {0: NINE_TO_FOUR}


def test_a_recurring_closure_covers_that_day_in_every_year_and_a_range_only_its_days() -> None:
    christmas_eve = Closure(name="Heiligabend", month_day=(12, 24))
    holidays = Closure(
        name="Betriebsferien", first_day=date(2026, 12, 28), last_day=date(2026, 12, 30)
    )

    assert christmas_eve.covers(date(2026, 12, 24))
    assert christmas_eve.covers(date(2031, 12, 24))
    assert not christmas_eve.covers(date(2026, 12, 23))
    assert holidays.covers(date(2026, 12, 28))
    assert holidays.covers(date(2026, 12, 30))
    assert not holidays.covers(date(2026, 12, 31))
    assert not holidays.covers(date(2027, 12, 28))


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"timezone": "Europe/Bonn"}, "hours.timezone: unknown time zone 'Europe/Bonn'"),
        (  # the calendar files could not be written in it: refused at start, not at a booking
            {"timezone": "America/New_York"},
            "hours.timezone: America/New_York does not follow the EU summer-time rule",
        ),
        ({"timezone": 1}, "hours.timezone:"),
        ({"holiday_region": "NRW"}, "hours.holiday_region: unknown region 'NRW'"),
        ({"weekly": {"mon": ["9-16"]}}, "hours.weekly.mon: '9-16' is not HH:MM-HH:MM"),
        ({"weekly": {"tue": ["25:00-26:00"]}}, "hours.weekly.tue: '25:00-26:00' is not a time"),
        ({"weekly": {"wed": ["16:00-09:00"]}}, "hours.weekly.wed: '16:00-09:00' must open before"),
        ({"weekly": {"thu": ["09:00-09:00"]}}, "hours.weekly.thu: '09:00-09:00' must open before"),
        (
            {"weekly": {"fri": ["09:00-13:00", "12:00-16:00"]}},
            "hours.weekly.fri: windows 09:00-13:00 and 12:00-16:00 overlap",
        ),
        ({"weekly": {"monday": ["09:00-16:00"]}}, "hours.weekly.monday: unknown weekday"),
        ({"weekly": {"sat": "morning"}}, "hours.weekly.sat: 'morning' is not HH:MM-HH:MM"),
        ({"weekly": {"sun": 9}}, "hours.weekly.sun: must be a list"),
        ({"holiday_regoin": "NI"}, "hours.holiday_regoin: unknown key"),
        ({"closures": [{"date": "12-32", "name": "X"}]}, "hours.closures[0].date: '12-32'"),
        ({"closures": [{"date": "2026-02-30", "name": "X"}]}, "hours.closures[0].date:"),
        ({"closures": [{"date": "24.12.", "name": "X"}]}, "hours.closures[0].date: '24.12.'"),
        ({"closures": [{"date": "12-24"}]}, "hours.closures[0].name: a closure needs a name"),
        (
            {"closures": [{"from": "2026-12-30", "to": "2026-12-28", "name": "X"}]},
            "hours.closures[0].to: 2026-12-28 is before from 2026-12-30",
        ),
        ({"closures": [{"from": "2026-12-30", "name": "X"}]}, "hours.closures[0].to: missing"),
        (
            {"closures": [{"date": "12-24", "name": "A"}, {"date": "12-31", "nam": "B"}]},
            "hours.closures[1].nam: unknown key",
        ),
        ({"closures": {"date": "12-24"}}, "hours.closures: must be an array of tables"),
    ],
)
def test_a_mistake_in_the_section_is_reported_with_its_key(section: dict, message: str) -> None:
    with pytest.raises(HoursConfigError) as raised:
        parse_hours_config(section)
    assert str(raised.value).startswith(message)


def test_config_errors_are_value_errors_so_generic_handlers_catch_them() -> None:
    with pytest.raises(ValueError, match=r"hours\.timezone"):
        parse_hours_config({"timezone": "Mars/Olympus"})


def test_a_time_window_cannot_close_before_it_opens() -> None:
    with pytest.raises(ValueError):
        TimeWindow(time(16), time(9))
