"""Every word of the statistics: chart titles and legends, and the names in the CSV export,
from `hotline/texts/reports.toml`, so that the counselling team can change the wording without
reading the chart code; the names of federal states and offer categories come from the case
vocabulary, where the console's forms take them from too."""

from __future__ import annotations

from datetime import date

from hotline.calendar_names import MONTHS
from hotline.cases.vocabulary import FEDERAL_STATES, OFFER_CATEGORIES
from hotline.texts import words

CHARTS = words("reports.charts")
CHANNELS = words("reports.channels")
# The anonymous CSV export: column names, areas and features (plain words, no umlauts, so
# that every spreadsheet reads them alike).
CSV = words("reports.csv")


def state_name(code: str | None) -> str:
    if code is None:
        return CHARTS["unknown_state"]
    return FEDERAL_STATES.get(code, code)


def category_name(code: str | None) -> str:
    return OFFER_CATEGORIES.get(code or "", code or CHARTS["unknown_state"])


def channel_name(code: str | None) -> str:
    return CHANNELS.get(code or "", code or CHARTS["unknown_state"])


def count_text(number: int) -> str:
    """1.234, as German readers write numbers."""
    return f"{number:,}".replace(",", ".")


def day_text(day: date) -> str:
    """05.01.2026"""
    return f"{day:%d.%m.%Y}"


def month_text(day: date) -> str:
    """Jan 2026"""
    return f"{MONTHS['de'][day.month - 1][:3]} {day.year}"
