"""Counts in the console take their noun in singular or plural by one rule (issue 22): "1 Fall",
"1 Angebot", "1 Rückruf gebucht", never "1 Fälle" or "1 Rückrufe" (through HTTP)."""

from __future__ import annotations

from datetime import date

from hotline.appointments.models import AppointmentState
from hotline.callbacks.models import CallbackState
from hotline.telephony.models import CallOutcome
from tests.support.staff import add_staff, log_in
from tests.support.statistics_data import StatisticsData
from tests.support.times import berlin


def logged_in(client, svc, clock) -> None:
    add_staff(svc, clock, "anna@example.org")
    assert log_in(client, "anna@example.org").status_code == 302


def test_one_case_and_one_offer_are_counted_in_the_singular(client, svc, clock, create_case):
    create_case()
    StatisticsData(svc.database).referral(date(2026, 11, 20), "BY", "legal")  # an offer too
    logged_in(client, svc, clock)
    cases = client.get("/staff/cases?status=neu&state=BY").get_data(as_text=True)
    assert "<caption>1 Fall</caption>" in cases
    assert "<caption>2 Fälle</caption>" in client.get("/staff/cases").get_data(as_text=True)
    offers = client.get("/staff/offers").get_data(as_text=True)
    assert "<caption>1 Angebot</caption>" in offers


def test_the_statistics_say_one_callback_one_appointment_one_referral(client, svc, clock):
    data = StatisticsData(svc.database)
    data.call(berlin(2026, 11, 20, 10, 0), CallOutcome.CONNECTED, waited=1)
    data.callback(
        CallbackState.FAILED,
        slot=berlin(2026, 11, 20, 9, 0),
        attempts=(berlin(2026, 11, 20, 9, 0),),
    )
    data.appointment(berlin(2026, 11, 20, 11, 0), AppointmentState.BOOKED)
    data.referral(date(2026, 11, 20), "BY", "legal")
    logged_in(client, svc, clock)
    html = client.get("/staff/stats?from=2026-11-01&to=2026-11-26").get_data(as_text=True)
    assert "Wartezeit insgesamt (1 Anruf in der Warteschleife)" in html
    assert "1 Anruf in der Warteschleife: im Median 1 Sekunde" in html
    assert "1 Rückruf gebucht, 0 erledigt" in html and "1 Person nicht erreicht" in html
    assert "1 Termin gebucht, 0 abgesagt." in html
    assert "1 Weitervermittlung: " in html
    for wrong in (
        "1 Rückrufe",
        "1 Anrufe",
        "1 Videotermine",
        "1 Weitervermittlungen",
        "1 Sekunden",
    ):
        assert wrong not in html
