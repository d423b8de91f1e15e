"""The anonymous aggregate CSV export of the statistics.

It may leave the service (for funders, for the annual report), so it holds only counts and
wait times of periods: no case reference, no id, no phone number or name, nothing per
person. Counts small enough to point to someone are hidden (see `suppression`): a count from
1 to 4 is written "<5", and where two breakdowns of one total would let a hidden count be
worked out by subtraction, a larger one is hidden too ("x"), or, where all of a breakdown's
counts are small, the other breakdown is left out. A wait time (median, 90th
percentile) is only given for a period in which at least five calls waited; otherwise its
row is left out, since the figure would be the wait of one or a few callers.

One row per figure, semicolon-separated with a header, as German spreadsheets read it:
`bereich;von;bis;merkmal;wert` (von/bis: the days the figure covers; decimals with a comma).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from hotline.reports.statistics import CALL_PARTS, OUT_OF_HOURS_PARTS, Statistics, Tally
from hotline.reports.suppression import MIN_COUNT, count_cell, protected_breakdowns
from hotline.reports.waits import WaitTimes
from hotline.reports.wording import CSV, category_name, channel_name, state_name

Row = tuple[str, date, date, str, str]


def aggregate_csv(statistics: Statistics) -> str:
    """The export as text (UTF-8 when encoded; a web page may add a BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [CSV[f"column.{name}"] for name in ("area", "from", "until", "feature", "value")]
    )
    for area, first, last, feature, value in _rows(statistics):
        writer.writerow([area, first.isoformat(), last.isoformat(), feature, value])
    return buffer.getvalue()


def _rows(statistics: Statistics) -> Iterator[Row]:
    yield from _calls(statistics)
    yield from _waits(statistics)
    yield from _daily("callbacks", statistics.callbacks, ("booked", "done", "on_time", "failed"))
    yield from _daily("challenges", statistics.challenges, ("asked", "passed", "failed"))
    yield from _appointments(statistics)
    yield from _referrals(statistics)


def _daily(area: str, days: Sequence[Any], features: Sequence[str]) -> Iterator[Row]:
    for figures in days:
        for feature in features:
            count = count_cell(getattr(figures, feature))
            yield CSV[area], figures.day, figures.day, CSV[f"{area}.{feature}"], count


def _calls(statistics: Statistics) -> Iterator[Row]:
    """Per day, by what came of the calls. Out of hours is given as a whole and by what was
    booked: two breakdowns of one total, protected together."""
    area = CSV["calls"]
    for figures in statistics.calls:
        day = figures.day
        for part in CALL_PARTS:
            if part not in OUT_OF_HOURS_PARTS:
                yield area, day, day, CSV[f"calls.{part}"], count_cell(getattr(figures, part))
        whole, booked = protected_breakdowns(
            [
                {"out_of_hours": figures.out_of_hours},
                {part: getattr(figures, part) for part in OUT_OF_HOURS_PARTS},
            ]
        )
        for part, cell in {**whole, **booked}.items():
            yield area, day, day, CSV[f"calls.{part}"], cell


def _waits(statistics: Statistics) -> Iterator[Row]:
    periods: list[tuple[date, date, WaitTimes]] = [
        (day.day, day.day, day.waits) for day in statistics.waits
    ]
    for month in statistics.waits_by_month if len(statistics.waits_by_month) > 1 else ():
        following = (month.month + timedelta(days=31)).replace(day=1)
        first = max(month.month, statistics.first_day)
        last = min(following - timedelta(days=1), statistics.last_day)
        periods.append((first, last, month.waits))
    periods.append((statistics.first_day, statistics.last_day, statistics.waits_overall))
    for first, last, waits in periods:
        if waits.calls < MIN_COUNT:
            continue
        for feature, seconds in (("median", waits.median_seconds), ("p90", waits.p90_seconds)):
            yield CSV["waits"], first, last, CSV[f"waits.{feature}"], _decimal(seconds)


def _appointments(statistics: Statistics) -> Iterator[Row]:
    """Per day and per channel: two breakdowns of all appointments, protected together."""
    per_day = {
        (figures.day, feature): getattr(figures, feature)
        for figures in statistics.appointments
        for feature in ("booked", "canceled", "no_show")
    }
    channels = _tallied(statistics.appointments_by_channel)
    days, by_channel = protected_breakdowns([per_day, channels])
    area = CSV["appointments"]
    for (day, feature), cell in days.items():
        yield area, day, day, CSV[f"appointments.{feature}"], cell
    first, last = statistics.first_day, statistics.last_day
    for key, cell in by_channel.items():
        yield CSV["appointments_by_channel"], first, last, channel_name(key), cell


def _referrals(statistics: Statistics) -> Iterator[Row]:
    """By federal state and by category: two breakdowns of all referrals."""
    by_state, by_category = protected_breakdowns(
        [_tallied(statistics.referrals_by_state), _tallied(statistics.referrals_by_category)]
    )
    first, last = statistics.first_day, statistics.last_day
    for key, cell in by_state.items():
        yield CSV["referrals_by_state"], first, last, state_name(key), cell
    for key, cell in by_category.items():
        yield CSV["referrals_by_category"], first, last, category_name(key), cell


def _tallied(tallies: Sequence[Tally]) -> dict[str | None, int]:
    return {tally.key: tally.count for tally in tallies}


def _decimal(seconds: float | None) -> str:
    """48 or 158,6: a decimal comma, as German spreadsheets expect."""
    if seconds is None:
        return ""
    text = f"{seconds:.1f}".removesuffix(".0")
    return text.replace(".", ",")
