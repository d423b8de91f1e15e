"""`[appointments] max_per_counsellor_per_day`: a counsellor takes no more appointments on a
day than that; the others (and the next day) still offer theirs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hotline.appointments.config import AppointmentsConfigError, parse_appointments_config
from tests.support.appointments import RELAXED_LIMITS, book, free_slots


@pytest.fixture
def hotline_config(tmp_path: Path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text(RELAXED_LIMITS + "max_per_counsellor_per_day = 2\n")
    return str(path)


def hours_on(client, day: str) -> list[int]:
    return [
        datetime.fromisoformat(s["start"]).hour for s in free_slots(client, days=1, **{"from": day})
    ]


def test_a_counsellor_takes_at_most_the_limit_a_day(client, create_counsellor):
    create_counsellor("Anna")
    assert hours_on(client, "2026-11-30") == [9, 10, 11, 12, 13, 14, 15]  # a Monday
    assert book(client, "2026-11-30T09:00:00+01:00").status_code == 201
    assert hours_on(client, "2026-11-30") == [10, 11, 12, 13, 14, 15]
    assert book(client, "2026-11-30T14:00:00+01:00").status_code == 201
    assert hours_on(client, "2026-11-30") == []  # her two for the day
    # another official (one address may hold only `[abuse] open_bookings_per_address`)
    refused = book(client, "2026-11-30T11:00:00+01:00", email="other@example.org")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "slot_taken"
    assert hours_on(client, "2026-12-01") == [9, 10, 11, 12, 13, 14, 15]  # the next day


def test_the_others_still_offer_theirs(client, create_counsellor):
    create_counsellor("Anna")
    create_counsellor("Ben")
    for hour in (9, 10, 11, 12):
        start, official = f"2026-11-30T{hour:02d}:00:00+01:00", f"amt{hour}@example.org"
        assert book(client, start, email=official).status_code == 201
    assert hours_on(client, "2026-11-30") == []  # two each
    assert book(client, "2026-11-30T13:00:00+01:00", email="x@example.org").status_code == 409


@pytest.mark.parametrize("value", [-1, "2", True, 1.5])
def test_the_limit_is_a_whole_number_of_zero_or_more(value):
    with pytest.raises(AppointmentsConfigError, match="max_per_counsellor_per_day"):
        parse_appointments_config({"max_per_counsellor_per_day": value})


def test_zero_means_no_limit():
    assert parse_appointments_config({}).max_per_counsellor_per_day == 0
    assert (
        parse_appointments_config({"max_per_counsellor_per_day": 0}).max_per_counsellor_per_day == 0
    )
