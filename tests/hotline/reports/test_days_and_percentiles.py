"""The building blocks the figures rest on: the zone's offsets over a range (for local days
in SQL), and percentiles of a histogram computed as PostgreSQL's percentile_cont does."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.reports.local_days import months_between, offset_segments, utc_bounds
from hotline.reports.waits import percentile
from tests.support.times import BERLIN


def test_a_year_in_berlin_has_two_changes_of_offset_at_one_oclock_utc():
    start, end = utc_bounds(date(2026, 1, 1), date(2026, 12, 31), BERLIN)

    assert (start, end) == (
        datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
    )
    assert offset_segments(start, end, BERLIN) == [
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 3600),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 7200),
        (end, 3600),
    ]


def test_a_summer_week_has_one_offset():
    start, end = utc_bounds(date(2026, 7, 6), date(2026, 7, 12), BERLIN)

    assert offset_segments(start, end, BERLIN) == [(end, 7200)]


def test_months_of_a_range_across_the_new_year():
    assert months_between(date(2026, 11, 15), date(2027, 1, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]


def test_the_median_and_the_90th_percentile_interpolate_between_ranks():
    waits = Counter([10, 20, 30, 40, 100])

    assert percentile(waits, 0.5) == 30
    assert percentile(waits, 0.9) == 76.0  # 40 + 0.6 * (100 - 40)
    assert percentile(Counter(), 0.5) is None
    assert percentile(Counter({7: 3}), 0.9) == 7


@given(st.lists(st.integers(0, 900), min_size=2, max_size=60))
def test_a_percentile_of_a_histogram_is_that_of_the_values(values):
    deciles = statistics.quantiles(values, n=10, method="inclusive")  # as percentile_cont

    assert percentile(Counter(values), 0.5) == pytest.approx(deciles[4])
    assert percentile(Counter(values), 0.9) == pytest.approx(deciles[8])
