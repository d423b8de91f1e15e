"""The charts: SVG that can be inlined into the page, in German, readable by a screen reader,
without JavaScript."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from hotline.cases.vocabulary import FEDERAL_STATES, OFFER_CATEGORIES
from hotline.reports.statistics import Tally
from hotline.reports.waits import WaitTimes
from tests.support.statistics_data import made_statistics
from web.staff.charts import Chart, all_charts, count_ticks

SVG = "{http://www.w3.org/2000/svg}"

MARCH = made_statistics(
    date(2026, 3, 1),
    date(2026, 3, 31),
    calls={
        date(2026, 3, 2): {
            "answered": 40,
            "abandoned": 6,
            "ended_after_max_wait": 2,
            "out_of_hours_callback": 3,
            "out_of_hours_appointment": 1,
            "out_of_hours_nothing_booked": 8,
            "other": 3,
        },
        date(2026, 3, 3): {"answered": 35, "abandoned": 4, "other": 1},
    },
    waits={date(2026, 3, 2): WaitTimes(46, 42.0, 130.5)},
    waits_overall=WaitTimes(46, 42.0, 130.5),
    callbacks={date(2026, 3, 2): (10, 8, 1, 6)},
    appointments={date(2026, 3, 4): (3, 1)},
    channels=(Tally("web", 3), Tally("phone", 1)),
    by_state=(Tally("BY", 7), Tally("HB", 2), Tally(None, 1)),
    by_category=(Tally("legal", 6), Tally("victim_support", 4)),
)
YEAR = made_statistics(
    date(2026, 1, 1),
    date(2026, 12, 31),
    calls={
        date(2026, 1, 5): {"answered": 100, "abandoned": 10, "out_of_hours_nothing_booked": 20},
        date(2026, 7, 1): {"answered": 80, "abandoned": 5, "out_of_hours_callback": 10},
    },
    waits_by_month={date(2026, 1, 1): WaitTimes(110, 40.0, 120.0)},
)
EMPTY = made_statistics(date(2026, 3, 1), date(2026, 3, 7))


def parsed(chart: Chart) -> ET.Element:
    assert chart.svg.startswith("<svg"), "no XML declaration: inlined into HTML"
    return ET.fromstring(chart.svg)


def texts(root: ET.Element) -> str:
    return " ".join(text for text in root.itertext())


@pytest.mark.parametrize(("figures", "drawn"), [(MARCH, 6), (YEAR, 2)], ids=["month", "year"])
def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(figures, drawn):
    charts = [chart for chart in all_charts(figures) if chart.svg is not None]
    assert len(charts) == drawn  # the year has calls and waits, nothing else
    for chart in charts:
        root = parsed(chart)
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title is not None and title.text.startswith(chart.title), chart.key
        assert "01." in title.text and "bis" in title.text  # the range
        assert desc is not None and desc.text == chart.description
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_charts_need_no_javascript():
    for chart in all_charts(MARCH):
        root = parsed(chart)
        assert root.findall(f".//{SVG}script") == [], chart.key
        assert "<script" not in chart.svg
        assert not [
            name for element in root.iter() for name in element.attrib if name.startswith("on")
        ]


def test_the_titles_and_legends_are_german():
    charts = {chart.key: chart for chart in all_charts(MARCH)}

    assert charts["calls"].title == "Anrufe pro Tag"
    legend = texts(parsed(charts["calls"]))
    for words in ("Angenommen", "Aufgelegt in der Warteschleife", "Außerhalb der Öffnungszeiten"):
        assert words in legend
    assert charts["waits"].title == "Wartezeit (Median, 90. Perzentil) in Sekunden"
    assert "90. Perzentil" in texts(parsed(charts["waits"]))
    assert charts["callbacks"].title.startswith("Rückrufe pünktlich")
    assert "Pünktlich" in texts(parsed(charts["callbacks"]))
    assert charts["appointments"].title == "Termine pro Tag"
    assert charts["referrals_by_state"].title == "Weitervermittlungen nach Bundesland"
    assert charts["referrals_by_category"].title == "Weitervermittlungen nach Kategorie"


def test_the_descriptions_say_in_words_what_the_charts_show():
    charts = {chart.key: chart for chart in all_charts(MARCH)}

    assert charts["calls"].description == (
        "103 Anrufe, davon 75 angenommen, 10 in der Warteschleife aufgelegt, 2 nach der "
        "Höchstwartezeit beendet, 12 außerhalb der Öffnungszeiten (3 mit Rückruf, 1 mit "
        "Termin, 8 ohne Buchung), 0 abgewiesen (Schutz der Leitung) und 4 sonstige."
    )
    assert "im Median 42 Sekunden" in charts["waits"].description
    assert "6 pünktlich (75 %)" in charts["callbacks"].description
    assert "Buchungsseite 3, Telefon 1" in charts["appointments"].description


def test_federal_states_and_categories_are_named_as_in_the_case_vocabulary():
    charts = {chart.key: chart for chart in all_charts(MARCH)}

    states = texts(parsed(charts["referrals_by_state"]))
    assert FEDERAL_STATES["BY"] in states and FEDERAL_STATES["HB"] in states
    assert "unbekannt" in states
    categories = texts(parsed(charts["referrals_by_category"]))
    assert OFFER_CATEGORIES["legal"] in categories
    assert OFFER_CATEGORIES["victim_support"] in categories


def value_axis_labels(chart: Chart) -> list[str]:
    """The labels of the axis that measures: y for upright charts, x for horizontal bars."""
    axis = "x" if chart.key.startswith("referrals") else "y"
    root = parsed(chart)
    for group in root.iter(f"{SVG}g"):
        if group.get("class", "").startswith(f"axis {axis}"):
            return [text.text for text in group.iter(f"{SVG}text") if text.text]
    raise AssertionError(f"no {axis} axis in {chart.key}")


def test_axes_of_counts_and_seconds_are_labelled_in_whole_numbers():
    for chart in all_charts(MARCH):
        labels = value_axis_labels(chart)
        assert labels[0] == "0", chart.key
        assert all(label.isdigit() for label in labels), (chart.key, labels)


def test_count_ticks_are_whole_steps_reaching_the_top():
    assert count_ticks(0) == [0, 1]
    assert count_ticks(7) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert count_ticks(23) == [0, 5, 10, 15, 20, 25]
    assert count_ticks(1234) == [0, 200, 400, 600, 800, 1000, 1200, 1400]


def test_a_year_is_drawn_per_month():
    charts = {chart.key: chart for chart in all_charts(YEAR)}

    assert charts["calls"].title == "Anrufe pro Monat"
    labels = texts(parsed(charts["calls"]))
    assert "Jan 2026" in labels and "Dez 2026" in labels
    assert "Mär 2026" in texts(parsed(charts["waits"]))


def test_a_range_without_anything_draws_no_chart_but_says_so_in_words():
    charts = {chart.key: chart for chart in all_charts(EMPTY)}

    assert [chart.svg for chart in charts.values()] == [None] * 6  # the page notes it briefly
    assert charts["waits"].description == "Niemand wartete in der Warteschleife."
    assert charts["referrals_by_state"].description == "0 Weitervermittlungen: keine."
    assert charts["calls"].description.startswith("0 Anrufe, davon 0 angenommen")
