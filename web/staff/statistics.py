"""*Statistik*: charts drawn on the server as SVG (no JavaScript) for a date range, and the
anonymous aggregate CSV export (small counts suppressed, see `hotline.reports.export`)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from hotline.audit.log import record
from hotline.audit.models import AuditAction, AuditMessage
from hotline.calendar_names import WEEKDAYS
from hotline.inputs import FIRST_YEAR, LAST_YEAR, Refused, calendar_day
from hotline.reports.export import aggregate_csv
from hotline.reports.service_level import service_level
from hotline.reports.statistics import load_statistics
from hotline.reports.wording import CHARTS
from web.context import scheduling
from web.staff.auth import current_user
from web.staff.blueprint import console_blueprint
from web.staff.charts import all_charts
from web.staff.support import now, reading, timezone, transaction
from web.staff.texts import TEXTS

blueprint = console_blueprint("staff_statistics", __name__)

DEFAULT_DAYS = 30
LONGEST_RANGE = timedelta(days=366)


def _range() -> tuple[date, date, str | None]:
    """The range asked for (default: the last 30 days); a wrong one is said, not guessed."""
    today = now().astimezone(timezone()).date()
    first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    try:
        if request.args.get("from"):
            first = calendar_day(request.args["from"])
        if request.args.get("to"):
            last = calendar_day(request.args["to"])
    except Refused:
        problem = TEXTS["stats_dates_invalid"].format(first=FIRST_YEAR, last=LAST_YEAR)
        return today - timedelta(days=DEFAULT_DAYS - 1), today, problem
    if last < first:
        return last, first, TEXTS["stats_dates_swapped"]
    if last - first >= LONGEST_RANGE:
        return last - LONGEST_RANGE + timedelta(days=1), last, TEXTS["stats_range_too_long"]
    return first, last, None


@blueprint.get("/stats")
def statistics() -> ResponseReturnValue:
    first, last, problem = _range()
    with reading() as session:
        figures = load_statistics(session, first, last, timezone())
        served = service_level(
            session, first, last, timezone(), scheduling().routing.service_level_seconds
        )
    # pygal's own SVG, its labels escaped by pygal: inlined so that no script or request is
    # needed; a chart with nothing to show has none (the page says so in a short note)
    charts = [(chart, Markup(chart.svg) if chart.svg else None) for chart in all_charts(figures)]
    return render_template(
        "staff/statistics.html",
        figures=figures,
        served=served,
        weekdays=WEEKDAYS["de"],
        charts=charts,
        no_data=CHARTS["no_data"],
        first=first,
        last=last,
        problem=problem,
    )


@blueprint.get("/stats.csv")
def statistics_csv() -> ResponseReturnValue:
    first, last, _ = _range()
    with reading() as session:
        figures = load_statistics(session, first, last, timezone())
    with transaction() as session:
        record(
            session,
            now(),
            current_user().id,
            AuditAction.EXPORTED,
            message=AuditMessage.STATISTICS_EXPORTED,
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
    name = f"starke-stelle-statistik-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    return Response(
        "\ufeff" + aggregate_csv(figures),  # the BOM: spreadsheets then read it as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
