"""The statistics as SVG charts drawn on the server (pygal), to be inlined into the page.

No JavaScript: pygal's scripts are left out (`js=[]`, and its inline config script removed),
so the charts work in any browser and under a strict Content-Security-Policy. Each SVG has a
<title> and a <desc> that says in words what the chart shows (role="img" and
aria-labelledby point a screen reader to them), and the colours are the Okabe-Ito palette,
which people with colour vision deficiencies can tell apart. Ranges longer than two months
are drawn per month: a bar per day of a year is unreadable, and slow to draw. A chart with
nothing to show in the range (only zeros or gaps) is not drawn: the page says so in a short
note (`CHARTS["no_data"]`) beside its title.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pygal
from pygal.style import Style

from hotline.plurals import counted
from hotline.reports.statistics import CALL_PARTS, Statistics, Tally
from hotline.reports.wording import (
    CHARTS,
    category_name,
    channel_name,
    count_text,
    day_text,
    month_text,
    state_name,
)

DAILY_UP_TO = 62  # days; a longer range is drawn per month
EVERY_LABEL_UP_TO = 14  # points on the x axis; more, and only some are labelled
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
STYLE = Style(
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    colors=OKABE_ITO,
    background="transparent",
    plot_background="transparent",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#767676",
    title_font_size=18,
    legend_font_size=14,
    label_font_size=12,
    major_label_font_size=12,
)


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its key (for anchors and tests), title, description, SVG."""

    key: str
    title: str
    description: str
    svg: str | None  # None: nothing to draw in the range (the page says so in a short note)


def all_charts(statistics: Statistics) -> list[Chart]:
    """The page's charts, in the order the page shows them."""
    return [
        calls_chart(statistics),
        waits_chart(statistics),
        callbacks_chart(statistics),
        appointments_chart(statistics),
        referrals_by_state_chart(statistics),
        referrals_by_category_chart(statistics),
    ]


def calls_chart(statistics: Statistics) -> Chart:
    """Stacked: each bar is all inbound calls of the period, by what came of them; the calls
    out of hours in three parts, by what the caller booked."""
    parts = tuple(CALL_PARTS)
    axis, sums = _per_period(statistics.calls, parts)
    totals = {part: sum(sums[part]) for part in parts}
    out_of_hours = sum(day.out_of_hours for day in statistics.calls)
    description = CHARTS["calls.description"].format(
        **{part: count_text(count) for part, count in totals.items()},
        out_of_hours=count_text(out_of_hours),
        total=counted(sum(totals.values()), "Anruf"),
    )
    title = CHARTS[f"calls.title.{axis.period}"]
    chart = pygal.StackedBar(
        **_options(statistics, title, axis, _top(sums, parts)),
        legend_at_bottom_columns=2,  # the parts out of hours have long names
    )
    for part in parts:
        chart.add(CHARTS[f"calls.{part}"], sums[part])
    shown = any(any(counts) for counts in sums.values())
    return Chart("calls", title, description, _render(chart, description, shown))


def waits_chart(statistics: Statistics) -> Chart:
    """Per day, or per month (computed from the month's calls: percentiles do not add up)."""
    overall = statistics.waits_overall
    description = (
        CHARTS["waits.description"].format(
            calls=counted(overall.calls, "Anruf"),
            median=_seconds(overall.median_seconds),
            p90=_seconds(overall.p90_seconds),
        )
        if overall.calls
        else CHARTS["waits.description.none"]
    )
    title = CHARTS["waits.title"]
    if len(statistics.waits) <= DAILY_UP_TO:
        axis = _axis([day.day for day in statistics.waits], "day")
        waits = [day.waits for day in statistics.waits]
    else:
        axis = _axis([month.month for month in statistics.waits_by_month], "month")
        waits = [month.waits for month in statistics.waits_by_month]
    longest = max((figures.p90_seconds or 0 for figures in waits), default=0)
    chart = pygal.Line(
        **_options(statistics, title, axis, math.ceil(longest)),
        allow_interruptions=True,  # a day nobody waited is a gap, not a zero
    )
    chart.add(CHARTS["waits.median"], [figures.median_seconds for figures in waits])
    chart.add(CHARTS["waits.p90"], [figures.p90_seconds for figures in waits])
    shown = any(figures.median_seconds is not None for figures in waits)
    return Chart("waits", title, description, _render(chart, description, shown))


def callbacks_chart(statistics: Statistics) -> Chart:
    """Stacked: each bar is all callbacks booked for the period, by what became of them."""
    axis, sums = _per_period(statistics.callbacks, ("booked", "done", "on_time", "failed"))
    totals = {part: sum(counts) for part, counts in sums.items()}
    share = f"{totals['on_time'] / totals['done']:.0%}" if totals["done"] else CHARTS["none"]
    description = CHARTS["callbacks.description"].format(
        share=share.replace("%", " %"),
        **{
            **{part: count_text(n) for part, n in totals.items()},
            "booked": counted(totals["booked"], "Rückruf"),
            "failed": counted(totals["failed"], "Person"),
        },
    )
    title = CHARTS[f"callbacks.title.{axis.period}"]
    chart = pygal.StackedBar(**_options(statistics, title, axis, _top(sums, ["booked"])))
    periods = range(len(axis.labels))
    chart.add(CHARTS["callbacks.on_time"], sums["on_time"])
    chart.add(CHARTS["callbacks.late"], [sums["done"][i] - sums["on_time"][i] for i in periods])
    chart.add(CHARTS["callbacks.failed"], sums["failed"])
    chart.add(
        CHARTS["callbacks.other"],
        [sums["booked"][i] - sums["done"][i] - sums["failed"][i] for i in periods],
    )
    shown = any(sums["booked"])
    return Chart("callbacks", title, description, _render(chart, description, shown))


def _no_show_part(count: int) -> str:
    """Said only when staff marked an appointment nobody came to."""
    return CHARTS["appointments.no_show_part"].format(count=count_text(count)) if count else ""


def appointments_chart(statistics: Statistics) -> Chart:
    parts = ("booked", "canceled")
    axis, sums = _per_period(statistics.appointments, (*parts, "no_show"))
    channels = ", ".join(
        f"{channel_name(tally.key)} {count_text(tally.count)}"
        for tally in statistics.appointments_by_channel
    )
    description = CHARTS["appointments.description"].format(
        booked=counted(sum(sums["booked"]), "Termin"),
        canceled=count_text(sum(sums["canceled"])),
        no_show=_no_show_part(sum(sums["no_show"])),
        channels=channels or CHARTS["none"],
    )
    title = CHARTS[f"appointments.title.{axis.period}"]
    chart = pygal.StackedBar(**_options(statistics, title, axis, _top(sums, parts)))
    for part in parts:
        chart.add(CHARTS[f"appointments.{part}"], sums[part])
    shown = any(any(counts) for counts in sums.values())
    return Chart("appointments", title, description, _render(chart, description, shown))


def referrals_by_state_chart(statistics: Statistics) -> Chart:
    return _tally_chart(
        statistics,
        "referrals_by_state",
        CHARTS["referrals.by_state.title"],
        statistics.referrals_by_state,
        state_name,
    )


def referrals_by_category_chart(statistics: Statistics) -> Chart:
    return _tally_chart(
        statistics,
        "referrals_by_category",
        CHARTS["referrals.by_category.title"],
        statistics.referrals_by_category,
        category_name,
    )


def _tally_chart(
    statistics: Statistics,
    key: str,
    title: str,
    tallies: Sequence[Tally],
    name: Callable[[str | None], str],
) -> Chart:
    """Horizontal bars, most first: the names are long, and read best one under another."""
    parts = "; ".join(f"{name(tally.key)} {count_text(tally.count)}" for tally in tallies)
    description = CHARTS["referrals.description"].format(
        total=counted(sum(tally.count for tally in tallies), "Weitervermittlung"),
        parts=parts or CHARTS["none"],
    )
    ordered = list(reversed(tallies))  # pygal draws the first label at the bottom
    axis = _Axis("tally", [name(tally.key) for tally in ordered], [])
    top = max((tally.count for tally in tallies), default=0)
    chart = pygal.HorizontalBar(**_options(statistics, title, axis, top), show_legend=False)
    chart.add(CHARTS["referrals.count"], [tally.count for tally in ordered])
    return Chart(key, title, description, _render(chart, description, bool(top)))


# --- days and months on the x axis ------------------------------------------------------------
@dataclass(frozen=True)
class _Axis:
    period: str  # "day", "month" or "tally"
    labels: list[str]
    major: list[str]  # the labels shown when there are too many to show all


def _per_period(rows: Sequence[Any], parts: Sequence[str]) -> tuple[_Axis, dict[str, list[int]]]:
    """Per-day figures as they are, or summed per month for a long range."""
    days = [row.day for row in rows]
    if len(days) <= DAILY_UP_TO:
        return _axis(days, "day"), {part: [getattr(row, part) for row in rows] for part in parts}
    months: list[date] = []
    sums: dict[str, list[int]] = {part: [] for part in parts}
    for row in rows:
        month = row.day.replace(day=1)
        if not months or months[-1] != month:
            months.append(month)
            for part in parts:
                sums[part].append(0)
        for part in parts:
            sums[part][-1] += getattr(row, part)
    return _axis(months, "month"), sums


def _axis(starts: list[date], period: str) -> _Axis:
    several_years = len({day.year for day in starts}) > 1
    if period == "month":
        labels = [month_text(day) for day in starts]
        return _Axis(period, labels, labels)
    labels = [f"{day:%d.%m.}" + (f"{day:%y}" if several_years else "") for day in starts]
    if len(labels) <= EVERY_LABEL_UP_TO:
        major = labels
    else:  # Mondays
        major = [label for label, day in zip(labels, starts, strict=True) if day.weekday() == 0]
    return _Axis(period, labels, major)


# --- pygal --------------------------------------------------------------------------------------
def _top(sums: dict[str, list[int]], stacked: Sequence[str]) -> int:
    """The highest bar: per period, the parts stacked on one another added up."""
    columns = zip(*(sums[part] for part in stacked), strict=True)
    return max((sum(values) for values in columns), default=0)


def count_ticks(top: int, most: int = 10) -> list[int]:
    """Whole numbers for an axis of counts, 1, 2 or 5 times a power of ten apart, from 0 to
    at least `top`: left to itself pygal labels a handful of calls 0,1 … 0,9."""
    top, scale = max(top, 1), 1
    while True:
        for factor in (1, 2, 5):
            step = factor * scale
            if top <= step * most:
                return list(range(0, top + step, step))
        scale *= 10


def _options(statistics: Statistics, title: str, axis: _Axis, top: int) -> dict[str, Any]:
    """pygal's options for one chart. Every chart counts (calls, callbacks, referrals) or
    measures whole seconds: its value axis goes up to `top` in whole numbers."""
    period = CHARTS["period"].format(
        first=day_text(statistics.first_day), last=day_text(statistics.last_day)
    )
    return {
        "y_labels": count_ticks(top),
        "title": f"{title}, {period}",
        "style": STYLE,
        "width": 900,
        "height": 420,
        "disable_xml_declaration": True,  # inlined into HTML
        "js": [],
        "x_labels": axis.labels,
        "x_labels_major": axis.major or None,
        "show_minor_x_labels": not axis.major or axis.major == axis.labels,
        "x_label_rotation": 0 if len(axis.major) <= EVERY_LABEL_UP_TO else 30,
        "include_x_axis": True,  # bars and waits measured from zero
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "truncate_label": -1,
        "value_formatter": _number,
    }


def _accessible_without_scripts(description: str) -> Callable[[Any], Any]:
    """An xml_filter: the root gets role="img", ids on its <title> and a new <desc>, and
    aria-labelledby naming both; pygal's inline <script> goes."""

    def apply(root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "script" or str(child.tag).endswith("}script"):
                    parent.remove(child)
        chart_id = root.get("id") or "chart"
        title = next(child for child in root if str(child.tag).rpartition("}")[2] == "title")
        title.set("id", f"{chart_id}-title")
        desc = root.makeelement("desc", {"id": f"{chart_id}-desc"})
        desc.text = description
        root.insert(list(root).index(title) + 1, desc)
        root.set("role", "img")
        root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
        return root

    return apply


def _render(chart: pygal.graph.graph.Graph, description: str, shown: bool) -> str | None:
    """The chart's SVG; None when it would show nothing but zeros or gaps (pygal would write
    its "no data" across the whole empty chart in letters 64 pixels high)."""
    if not shown:
        return None
    chart.add_xml_filter(_accessible_without_scripts(description))
    return str(chart.render(is_unicode=True))


def _number(value: float | None) -> str:
    """1.234 or 42,5 (a median wait can fall between two seconds), as German readers write
    them."""
    if value is None:
        return ""
    if value == int(value):
        return count_text(int(value))
    return f"{value:.1f}".replace(".", ",")


def _seconds(value: float | None) -> str:
    return "–" if value is None else counted(round(value), "Sekunde")
