"""The parsers for values from outside (`hotline.inputs`): whatever text comes in, the answer
is a value within its bounds or `Refused`, never another exception and never a value that
overflows later (an id beyond PostgreSQL's INTEGER, a year whose neighbour day is no date)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.clock import years_later
from hotline.inputs import (
    LARGEST_ID,
    Refused,
    aware_moment,
    bounded_integer,
    calendar_day,
    checked_text,
    json_nesting_within,
    local_moment,
)

BERLIN = ZoneInfo("Europe/Berlin")
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-T:+ ²١Z.", max_size=34),
    st.sampled_from(["9999-12-31", "0001-01-01T00:00+01:00", "2100-12-31T23:30-01:00"]),
)


def test_an_id_is_ascii_digits_within_postgresqls_integer():
    assert bounded_integer("42") == 42 and bounded_integer(str(LARGEST_ID)) == LARGEST_ID
    for refused in ["²", "١٢", "", " 1", "-1", "0", "+1", str(LARGEST_ID + 1), "9" * 20, None]:
        with pytest.raises(Refused):
            bounded_integer(refused)


@given(texts)
def test_any_text_is_a_bounded_integer_or_refused(text):
    try:
        number = bounded_integer(text, least=1, most=42)
    except Refused:
        return
    assert 1 <= number <= 42


@given(texts)
def test_any_text_is_a_day_with_neighbours_or_refused(text):
    try:
        day = calendar_day(text)
    except Refused:
        return
    assert day - timedelta(days=400) < day + timedelta(days=400)  # no overflow near it


@given(texts)
def test_any_text_is_a_moment_whose_utc_and_local_time_exist_or_refused(text):
    for parse in (aware_moment, lambda value: local_moment(value, BERLIN)):
        try:
            moment = parse(text)
        except Refused:
            continue
        assert moment.tzinfo is not None
        assert 2000 <= (moment.astimezone(UTC) + timedelta(days=400)).year <= 2102


def test_moments_far_from_now_are_refused_and_local_ones_take_the_zone():
    for far in ["9999-12-31T10:00:00+01:00", "0001-01-01T00:30:00+01:00", "2026-12-01T10:00"]:
        with pytest.raises(Refused):
            aware_moment(far)
    assert local_moment("2026-12-24 10:00", BERLIN) == datetime(2026, 12, 24, 10, tzinfo=BERLIN)
    assert calendar_day("2026-12-24") == date(2026, 12, 24)
    for not_a_day in ["2026-W52-4", "20261224", "2026-02-30", "1999-12-31", "²026-12-24"]:
        with pytest.raises(Refused):
            calendar_day(not_a_day)


def test_text_with_control_characters_is_refused_notes_keep_their_lines():
    assert checked_text("  Urlaub ") == "Urlaub" and checked_text(None) == ""
    assert checked_text("Zeile 1\nZeile 2\tEnde", multiline=True) == "Zeile 1\nZeile 2\tEnde"
    for refused in ["a\x00b", "a\nb", "\x1b[31m", "a\u202eb", "A\ud800"]:
        with pytest.raises(Refused):
            checked_text(refused)
    for refused in ["a\x00b", "\x1b[31m", "A\ud800"]:
        with pytest.raises(Refused):
            checked_text(refused, multiline=True)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=30,
    )
)
def test_the_nesting_judged_without_parsing_is_the_real_one(value):
    def depth(node: object) -> int:
        if isinstance(node, list):
            return 1 + max(map(depth, node), default=0)
        if isinstance(node, dict):
            return 1 + max(map(depth, node.values()), default=0)
        return 0

    text = json.dumps(value)
    for most in range(0, 6):
        assert json_nesting_within(text, most) == (depth(value) <= most)


def test_a_year_later_keeps_the_day_but_29_february():
    assert years_later(date(2026, 11, 26), 2) == date(2028, 11, 26)
    assert years_later(date(2028, 2, 29), 1) == date(2029, 2, 28)
    at = datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert years_later(at, 1) == datetime(2027, 11, 26, 9, tzinfo=UTC)
