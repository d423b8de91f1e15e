"""Opening-hours edges as callers meet them: whole calls through signed HTTP at the edge times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.simulator import EventKind
from tests.support.times import berlin

SILENCE = "-"


@pytest.fixture
def hotline_config(request, tmp_path) -> str:
    """Default hours, or those of Lower Saxony where a test asks for `region`."""
    region = getattr(request, "param", None)
    if region is None:
        return ""
    path = tmp_path / "hotline.toml"
    path.write_text(f'[hours]\nholiday_region = "{region}"\n')
    return str(path)


@pytest.fixture
def call_at(simulate_call, clock, create_counsellor):
    create_counsellor()

    def call(at: datetime):
        clock.set(at)
        return simulate_call([SILENCE, SILENCE], clock_moves=False, silent_after_keys=True)

    return call


def test_a_second_before_four_the_call_is_put_through_and_at_four_it_is_not(call_at):
    assert len(call_at(berlin(2026, 11, 26, 15, 59, 59)).of_kind(EventKind.ENQUEUE)) == 1
    closed = call_at(berlin(2026, 11, 26, 16, 0, 0))
    assert closed.of_kind(EventKind.ENQUEUE) == []
    assert closed.said("Sie erreichen uns wieder ab morgen, Freitag, dem 27. November, um 9 Uhr.")


def test_at_nine_sharp_the_line_opens(call_at):
    assert call_at(berlin(2026, 11, 27, 8, 59, 59)).of_kind(EventKind.ENQUEUE) == []
    assert len(call_at(berlin(2026, 11, 27, 9, 0, 0)).of_kind(EventKind.ENQUEUE)) == 1


def test_reformation_day_is_open_by_default(call_at):
    assert len(call_at(berlin(2025, 10, 31, 10, 0)).of_kind(EventKind.ENQUEUE)) == 1


@pytest.mark.parametrize("hotline_config", ["NI"], indirect=True)
def test_reformation_day_is_a_holiday_where_configured(call_at):
    transcript = call_at(berlin(2025, 10, 31, 10, 0))
    assert transcript.of_kind(EventKind.ENQUEUE) == []
    assert transcript.said("Heute ist Feiertag: Reformationstag.")
    assert transcript.said("ab Montag, dem 3. November, um 9 Uhr")


@pytest.mark.parametrize(
    ("sunday", "monday_nine_utc", "spoken"),
    [
        (berlin(2026, 3, 29, 12), datetime(2026, 3, 30, 7, tzinfo=UTC), "30. März"),  # to CEST
        (berlin(2026, 10, 25, 12), datetime(2026, 10, 26, 8, tzinfo=UTC), "26. Oktober"),  # CET
    ],
)
def test_on_the_clock_change_days_monday_still_opens_at_nine_berlin_time(
    call_at, sunday, monday_nine_utc, spoken
):
    transcript = call_at(sunday)
    assert transcript.said("Am Wochenende ist unsere Telefonberatung nicht besetzt.")
    assert transcript.said(f"ab morgen, Montag, dem {spoken}, um 9 Uhr")
    assert call_at(monday_nine_utc).of_kind(EventKind.ENQUEUE)  # 09:00 local time: open
    one_second_before = datetime.fromtimestamp(monday_nine_utc.timestamp() - 1, tz=UTC)
    assert call_at(one_second_before).of_kind(EventKind.ENQUEUE) == []


def test_a_configured_closure_is_named(call_at):
    transcript = call_at(berlin(2026, 12, 24, 10, 0))
    assert transcript.said("Heute ist unsere Telefonberatung nicht besetzt: Heiligabend.")
    assert transcript.said("ab Montag, dem 28. Dezember, um 9 Uhr")
