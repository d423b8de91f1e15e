"""The anonymous CSV export: counts of periods only, and no count small enough to point to a
person — not even by subtracting the counts shown from a total."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.db import Database
from hotline.reports.export import aggregate_csv
from hotline.reports.statistics import Tally, load_statistics
from hotline.reports.suppression import MIN_COUNT, protected_breakdowns
from hotline.reports.waits import WaitTimes
from hotline.telephony.models import CallOutcome
from tests.support.statistics_data import StatisticsData, made_statistics
from tests.support.times import BERLIN, berlin

HEADER = ["bereich", "von", "bis", "merkmal", "wert"]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def value(text: str, area: str, feature: str, first: str, last: str | None = None) -> str:
    found = [
        row[4]
        for row in rows(text)[1:]
        if row[0] == area and row[3] == feature and row[1] == first and row[2] == (last or first)
    ]
    assert len(found) == 1, (area, feature, first, found)
    return found[0]


def test_counts_under_five_are_written_as_less_than_five():
    figures = made_statistics(
        date(2026, 6, 1),
        date(2026, 6, 2),
        calls={
            date(2026, 6, 1): {"answered": 3, "out_of_hours_nothing_booked": 7, "other": 5},
            date(2026, 6, 2): {"answered": 1, "abandoned": 4, "other": 12},
        },
        callbacks={date(2026, 6, 1): (9, 7, 2, 4)},
    )

    text = aggregate_csv(figures)

    assert rows(text)[0] == HEADER
    assert value(text, "anrufe", "angenommen", "2026-06-01") == "<5"
    assert value(text, "anrufe", "aufgelegt_in_warteschleife", "2026-06-01") == "0"
    assert value(text, "anrufe", "ausserhalb_oeffnungszeiten", "2026-06-01") == "7"
    assert value(text, "anrufe", "sonstige", "2026-06-01") == "5"
    assert value(text, "anrufe", "angenommen", "2026-06-02") == "<5"
    assert value(text, "anrufe", "aufgelegt_in_warteschleife", "2026-06-02") == "<5"
    assert value(text, "rueckrufe", "gebucht", "2026-06-01") == "9"
    assert value(text, "rueckrufe", "nicht_erreicht", "2026-06-01") == "<5"
    assert value(text, "rueckrufe", "puenktlich", "2026-06-01") == "<5"
    small = [row for row in rows(text)[1:] if row[4].isdigit() and 0 < int(row[4]) < MIN_COUNT]
    assert small == []


def test_calls_out_of_hours_are_given_whole_and_by_what_was_booked_hiding_small_counts():
    figures = made_statistics(
        date(2026, 6, 1),
        date(2026, 6, 3),
        calls={
            date(2026, 6, 1): {
                "ended_after_max_wait": 7,
                "out_of_hours_callback": 6,
                "out_of_hours_appointment": 5,
                "out_of_hours_nothing_booked": 9,
            },
            # 11 out of hours: the 2 callbacks would be 11 - 9, so the 9 is hidden too
            date(2026, 6, 2): {"out_of_hours_callback": 2, "out_of_hours_nothing_booked": 9},
            # 3 out of hours: no breakdown can hide them, so there is none
            date(2026, 6, 3): {"out_of_hours_appointment": 3},
        },
    )

    text = aggregate_csv(figures)

    def day(on: str) -> dict[str, str]:
        return {row[3]: row[4] for row in rows(text)[1:] if row[0] == "anrufe" and row[1] == on}

    assert day("2026-06-01") == {
        "angenommen": "0",
        "aufgelegt_in_warteschleife": "0",
        "nach_hoechstwartezeit_beendet": "7",
        "abgewiesen_schutz": "0",
        "sonstige": "0",
        "ausserhalb_oeffnungszeiten": "20",
        "ausserhalb_rueckruf_gebucht": "6",
        "ausserhalb_videotermin_gebucht": "5",
        "ausserhalb_nichts_gebucht": "9",
    }
    assert day("2026-06-02")["ausserhalb_oeffnungszeiten"] == "11"
    assert day("2026-06-02")["ausserhalb_rueckruf_gebucht"] == "<5"
    assert day("2026-06-02")["ausserhalb_videotermin_gebucht"] == "0"
    assert day("2026-06-02")["ausserhalb_nichts_gebucht"] == "x"
    assert day("2026-06-03")["ausserhalb_oeffnungszeiten"] == "<5"
    out_of_hours = [feature for feature in day("2026-06-03") if feature.startswith("ausserhalb")]
    assert out_of_hours == ["ausserhalb_oeffnungszeiten"]


def test_wait_times_are_given_only_where_five_or_more_calls_waited():
    figures = made_statistics(
        date(2026, 6, 1),
        date(2026, 7, 31),
        waits={date(2026, 6, 1): WaitTimes(5, 42.0, 130.5), date(2026, 6, 2): WaitTimes(4, 9, 20)},
        waits_by_month={date(2026, 6, 1): WaitTimes(9, 40.0, 120.0)},
        waits_overall=WaitTimes(9, 40.0, 120.0),
    )

    text = aggregate_csv(figures)

    assert value(text, "wartezeit_sekunden", "median", "2026-06-01") == "42"
    assert value(text, "wartezeit_sekunden", "perzentil_90", "2026-06-01") == "130,5"
    assert "2026-06-02" not in {row[1] for row in rows(text) if row[0] == "wartezeit_sekunden"}
    assert value(text, "wartezeit_sekunden", "median", "2026-06-01", "2026-06-30") == "40"
    assert value(text, "wartezeit_sekunden", "median", "2026-06-01", "2026-07-31") == "40"


def test_a_small_count_cannot_be_worked_out_from_a_total_shown_elsewhere():
    # both breakdowns add up to 15 referrals: Bremen's 3 would be 15 - 12
    figures = made_statistics(
        date(2026, 6, 1),
        date(2026, 6, 30),
        by_state=(Tally("BY", 12), Tally("HB", 3)),
        by_category=(Tally("legal", 15),),
    )

    text = aggregate_csv(figures)

    first, last = "2026-06-01", "2026-06-30"
    assert value(text, "weitervermittlungen_nach_bundesland", "Bremen", first, last) == "<5"
    assert value(text, "weitervermittlungen_nach_bundesland", "Bayern", first, last) == "x"
    assert value(text, "weitervermittlungen_nach_kategorie", "Rechtsberatung", first, last) == "15"


def test_when_a_breakdown_cannot_hide_its_small_counts_the_other_is_left_out():
    # Bayern 5 + Bremen 1 = 6: hiding Bayern too still leaves Bremen at 1
    by_state, by_category = protected_breakdowns([{"BY": 5, "HB": 1}, {"legal": 6}])

    assert by_state == {"BY": "x", "HB": "<5"}
    assert by_category == {}
    # four referrals, one in each of four states: "<5" four times, and 4 in one category
    by_state, by_category = protected_breakdowns(
        [{"BY": 1, "BE": 1, "HB": 1, "HH": 1}, {"legal": 4}]
    )
    assert by_state == {"BY": "<5", "BE": "<5", "HB": "<5", "HH": "<5"}
    assert by_category == {}


def test_counts_that_are_not_small_are_left_alone():
    by_state, by_category = protected_breakdowns(
        [{"BY": 12, "HB": 7, "NW": 0}, {"legal": 10, "digital": 9}]
    )

    assert by_state == {"BY": "12", "HB": "7", "NW": "0"}
    assert by_category == {"legal": "10", "digital": "9"}


def _breakdown_pairs() -> st.SearchStrategy[tuple[list[int], list[int]]]:
    """Two breakdowns of one total, with many small cells."""
    cells = st.lists(st.integers(0, 12), min_size=1, max_size=5)

    def second(first: list[int]) -> st.SearchStrategy[tuple[list[int], list[int]]]:
        total = sum(first)
        cuts = st.lists(st.integers(0, total), min_size=0, max_size=4).map(sorted)
        return cuts.map(
            lambda at: (first, [b - a for a, b in zip([0, *at], [*at, total], strict=True)])
        )

    return cells.flatmap(second)


@settings(max_examples=300, deadline=None)
@given(_breakdown_pairs())
def test_no_hidden_small_count_has_only_one_possible_value(pair):
    """A reader who sees every cell and both breakdowns, and knows that "<5" is 1 to 4 and
    "x" 5 or more, still cannot tell what any "<5" is."""
    breakdowns = [dict(enumerate(cells)) for cells in pair]
    written = protected_breakdowns(breakdowns)
    bounds = [_total_bounds(cells) for cells in written if cells]  # {}: left out
    low = max(b[0] for b in bounds)
    high = min(b[1] for b in bounds)
    for cells in written:
        shown, hidden_low, hidden_high = _split(cells)
        for key, cell in cells.items():
            if cell != "<5":
                continue
            possible = {
                count
                for count in range(1, MIN_COUNT)
                for total in range(low, high + 1)
                if hidden_low - 1 <= total - shown - count <= hidden_high - (MIN_COUNT - 1)
            }
            assert len(possible) > 1, (pair, written, key)


UNBOUNDED = 10_000


def _split(cells: dict[int, str]) -> tuple[int, int, int]:
    """The sum of the shown cells, and the least and most the hidden ones can add up to."""
    shown = sum(int(cell) for cell in cells.values() if cell.isdigit())
    low = sum(1 if cell == "<5" else MIN_COUNT for cell in cells.values() if not cell.isdigit())
    high = sum(
        MIN_COUNT - 1 if cell == "<5" else UNBOUNDED
        for cell in cells.values()
        if not cell.isdigit()
    )
    return shown, low, high


def _total_bounds(cells: dict[int, str]) -> tuple[int, int]:
    shown, low, high = _split(cells)
    return shown + low, shown + high


# --- from the database ------------------------------------------------------------------------
@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def test_the_export_names_no_case_and_no_number(database):
    data = StatisticsData(database)
    references = []
    for number in range(7):
        case_reference = f"{71_234_560 + number}"
        references.append(case_reference)
        case_id = data.case("SL", reference=case_reference)
        data.call(berlin(2026, 6, 3, 10, number), CallOutcome.CONNECTED, waited=30, case_id=case_id)
        data.referral(date(2026, 6, 3), "SL", "legal", case_id=case_id)
    data.referral(date(2026, 6, 3), "HB", "digital")
    with database.transaction() as session:
        figures = load_statistics(session, date(2026, 6, 1), date(2026, 6, 7), BERLIN)

    text = aggregate_csv(figures)

    assert not any(reference in text for reference in references)
    for row in rows(text)[1:]:
        assert not re.search(r"\d{6,}", row[3] + row[4]), f"a reference, id or number: {row}"
    assert "+49" not in text
    assert value(text, "anrufe", "angenommen", "2026-06-03") == "7"
    state = "weitervermittlungen_nach_bundesland"
    assert value(text, state, "Saarland", "2026-06-01", "2026-06-07") == "x"
    assert value(text, state, "Bremen", "2026-06-01", "2026-06-07") == "<5"
