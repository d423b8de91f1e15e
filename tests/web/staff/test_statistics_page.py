"""The statistics page and its CSV export through HTTP: charts inline as SVG (no script), a
date range, and an export with no reference, number or small count, audited."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.telephony.models import CallOutcome
from tests.support.staff import add_staff, log_in
from tests.support.statistics_data import StatisticsData
from tests.support.times import berlin

REFERENCE = "98765432"


def seeded(svc) -> None:
    """Seven answered calls and three abandoned ones on 20 November; referrals in two states."""
    data = StatisticsData(svc.database)
    case_id = data.case("BY", reference=REFERENCE)
    for minute in range(7):
        data.call(
            berlin(2026, 11, 20, 10, minute),
            CallOutcome.CONNECTED,
            waited=30 + minute,
            case_id=case_id,
        )
    for minute in range(3):
        data.call(berlin(2026, 11, 20, 11, minute), CallOutcome.ABANDONED_IN_QUEUE, waited=90)
    for _ in range(6):
        data.referral(date(2026, 11, 20), "BY", "legal")
    data.referral(date(2026, 11, 20), "HB", "legal")


def logged_in(client, svc, clock) -> None:
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")


def test_the_page_draws_its_charts_on_the_server(client, svc, clock):
    seeded(svc)
    logged_in(client, svc, clock)
    response = client.get("/staff/stats?from=2026-11-01&to=2026-11-26")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        ElementTree.fromstring(svg)  # well-formed
    assert "<script" not in html
    assert "Anrufe pro Tag" in html
    assert "Zeitraum 01.11.2026 bis 26.11.2026" in html
    assert "Wartezeit insgesamt (10 Anrufe in der Warteschleife)" in html


def test_a_wrong_range_is_said_and_a_default_shown(client, svc, clock):
    logged_in(client, svc, clock)
    broken = client.get("/staff/stats?from=gestern").get_data(as_text=True)
    assert "Bitte gültige Daten wählen" in broken and "Zeitraum 28.10.2026 bis 26.11.2026" in broken
    swapped = client.get("/staff/stats?from=2026-11-20&to=2026-11-10").get_data(as_text=True)
    assert "getauscht" in swapped and "Zeitraum 10.11.2026 bis 20.11.2026" in swapped
    long = client.get("/staff/stats?from=2020-01-01&to=2026-11-26").get_data(as_text=True)
    assert "Höchstens ein Jahr" in long


def test_the_export_holds_no_reference_no_number_and_no_small_count(client, svc, clock):
    seeded(svc)
    logged_in(client, svc, clock)
    response = client.get("/staff/stats.csv?from=2026-11-20&to=2026-11-20")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert REFERENCE not in text and "4000" not in text
    assert not re.search(r"\+?\d{7,}", text)  # nothing like a phone number
    rows = [line.split(";") for line in text.strip().splitlines()[1:]]
    values = [row[-1] for row in rows]
    for value in values:
        assert value in ("<5", "x", "0") or not value.isdigit() or int(value) >= 5, value
    assert "7" in values  # the answered calls
    assert "<5" in values  # the abandoned ones, and Bremen's single referral
    with svc.database.transaction() as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORTED)
        ).all()
    assert entry.detail == "Statistik 20.11.2026–20.11.2026"


def test_a_year_is_the_longest_range(client, svc, clock):
    logged_in(client, svc, clock)
    today = clock.now().date()
    first = today - timedelta(days=365)
    page = client.get(f"/staff/stats?from={first}&to={today}").get_data(as_text=True)
    assert "Höchstens ein Jahr" not in page
