"""The statistics page and its CSV export through HTTP: charts inline as SVG (no script), a
date range, and an export with no reference, number or small count, audited; the calls out
of hours, walked with the simulator; a range without data in Chromium."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.telephony.models import CallOutcome
from tests.support.browser import Browser, chromium_fixture
from tests.support.staff import PASSWORD, add_staff, log_in
from tests.support.statistics_data import StatisticsData
from tests.support.times import berlin

REFERENCE = "98765432"
NO_DATA = "Keine Daten im Zeitraum"

chromium = chromium_fixture()


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
    assert len(svgs) == 4
    assert html.count(f'<span class="muted">{NO_DATA}</span>') == 2  # no callbacks, appointments
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


SATURDAY = berlin(2026, 11, 28, 11, 0)  # the line is closed: it opens on Monday at 9


def calls_caption(page: str) -> str:
    """The words under the chart of calls: what it shows, in figures."""
    match = re.search(r'id="chart-calls".*?<figcaption>(.*?)</figcaption>', page, re.S)
    assert match, "no chart of calls"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_out_of_hours_callers_count_as_out_of_hours_with_what_they_booked(
    client, svc, clock, simulate_call, create_counsellor
):
    create_counsellor("Anna")
    clock.set(SATURDAY)
    simulate_call(["-", "-", "1", "1", "1"])  # a callback on the own number, Monday 9:00
    simulate_call(["-", "-", "2", "1"])  # the first free video appointment
    simulate_call(["-", "-"], silent_after_keys=True)  # the ways out, nothing booked
    logged_in(client, svc, clock)

    page = client.get("/staff/stats?from=2026-11-28&to=2026-11-28").get_data(as_text=True)

    assert calls_caption(page) == (
        "Anrufe pro Tag – 3 Anrufe, davon 0 angenommen, 0 in der Warteschleife aufgelegt, "
        "0 nach der Höchstwartezeit beendet, 3 außerhalb der Öffnungszeiten (1 mit Rückruf, "
        "1 mit Termin, 1 ohne Buchung), 0 abgewiesen (Schutz der Leitung) und 0 sonstige."
    )
    for legend in (
        "Außerhalb der Öffnungszeiten: Rückruf gebucht",
        "Außerhalb der Öffnungszeiten: Termin gebucht",
        "Außerhalb der Öffnungszeiten: nichts gebucht",
    ):
        assert legend in page


def test_calls_the_service_ended_after_the_longest_wait_are_not_callers_who_hung_up(
    client, svc, clock, simulate_call, create_counsellor, hotline
):
    create_counsellor("Anna")
    simulate_call(["-", "-"], counsellors=["ignore"], silent_after_keys=True)  # 3 min, nobody
    # offered again and again, Anna let it pass three times in a row: off duty; back on
    assert hotline("counsellor", "duty", "Anna", "on").exit_code == 0
    simulate_call(["-", "-", "q"], counsellors=["ignore"])  # hung up while waiting
    logged_in(client, svc, clock)

    page = client.get("/staff/stats?from=2026-11-26&to=2026-11-26").get_data(as_text=True)

    assert calls_caption(page).startswith(
        "Anrufe pro Tag – 2 Anrufe, davon 0 angenommen, 1 in der Warteschleife aufgelegt, "
        "1 nach der Höchstwartezeit beendet, 0 außerhalb der Öffnungszeiten"
    )
    assert "Nach der Höchstwartezeit beendet" in page


def test_a_chart_with_nothing_to_show_says_so_in_a_short_note(chromium, live_server, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    browser = Browser(chromium, live_server)
    browser.open("/staff/login")
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys(PASSWORD)
    browser.click_and_load(browser.by_text("Anmelden", "button"))

    browser.open("/staff/stats?from=2026-11-01&to=2026-11-07")  # before anything happened

    figures = browser.find_all("figure.chart")
    assert len(figures) == 6
    line = float(browser.style(browser.find("main p"), "line-height").removesuffix("px"))
    for figure in figures:
        saying_so = [
            element
            for element in figure.find_elements("xpath", ".//*")
            if element.text.strip() == NO_DATA
        ]
        assert saying_so, figure.get_attribute("id")
        note = saying_so[-1]  # the innermost (its parents say no more than it)
        height = browser.driver.execute_script(
            "return arguments[0].getBoundingClientRect().height", note
        )
        assert height <= 1.5 * line, (figure.get_attribute("id"), height, line)
        assert figure.find_elements("tag name", "svg") == []  # no empty chart around it


def test_the_service_level_abandonment_and_waits_by_hour_of_the_week(client, svc, clock):
    """Five callers joined the line on Thursday 26 Nov 2026 between 10 and 11 (Berlin): three
    answered after 20, 50 and 90 s, one hung up after 30 s, one after 200 s was answered the
    next hour's caller: the page says 2 of 5 within 60 s, 1 gave up, and the hour's mean and
    90th percentile."""
    from hotline.telephony.models import Call

    def joined(sid: str, at, waited: int, *, answered: bool) -> None:
        with svc.database.transaction() as session:
            session.add(
                Call(
                    call_sid=sid,
                    direction="inbound",
                    status="completed",
                    started_at=at - timedelta(seconds=40),
                    queued_at=at,
                    connected_at=at + timedelta(seconds=waited) if answered else None,
                    queue_left_at=at + timedelta(seconds=waited),
                    ended_at=at + timedelta(seconds=waited + 300),
                    outcome="connected" if answered else "abandoned_in_queue",
                )
            )

    ten = berlin(2026, 11, 26, 10, 5)
    joined("CA" + "1" * 32, ten, 20, answered=True)
    joined("CA" + "2" * 32, ten, 50, answered=True)
    joined("CA" + "3" * 32, ten, 90, answered=True)
    joined("CA" + "4" * 32, ten, 30, answered=False)
    joined("CA" + "5" * 32, berlin(2026, 11, 26, 11, 30), 200, answered=True)
    logged_in(client, svc, clock)
    page = client.get("/staff/stats?from=2026-11-26&to=2026-11-26").get_data(as_text=True)
    level = " ".join(page.split('id="service-level">', 1)[1].split("</p>", 1)[0].split())
    assert "<strong>40 %</strong> innerhalb von 60 s angenommen (2 von 5 Anrufen" in level
    assert "angenommen insgesamt 4" in level and "aufgelegt: 20 % (1)" in level
    table = page.split('id="waits-by-hour"', 1)[1].split("</table>", 1)[0]
    rows = {row.split("</th>", 1)[0].rsplit(">", 1)[-1]: row for row in table.split("<tr>")[2:]}
    thursday = 3 + 1  # the hour's column, then Monday..Sunday
    ten_row = rows["10–11 Uhr"].split("<td>")
    assert ten_row[thursday].startswith("48 / 78 <span")  # (20+50+90+30)/4; p90 of 20,30,50,90
    assert "(4)" in ten_row[thursday]
    assert rows["11–12 Uhr"].split("<td>")[thursday].startswith("200 / 200")
    assert all(cell.startswith("–") for cell in ten_row[1:thursday])
