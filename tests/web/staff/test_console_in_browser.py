"""The console in a real headless Chromium (Debian's), JavaScript off: logging in, finding a
case by its reference, recording a referral with a follow-up, and switching one's duty."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.select import Select
from sqlalchemy import select

from hotline.cases.references import display_case_reference
from hotline.counsellors.models import Counsellor
from hotline.referrals.directory import OfferFields, save_offer
from hotline.referrals.models import Referral
from tests.support.browser import Browser, chromium_fixture
from tests.support.staff import PASSWORD, add_staff

chromium = chromium_fixture()


@pytest.fixture
def browser(chromium, live_server: str) -> Browser:
    return Browser(chromium, live_server)


def test_a_counsellor_logs_in_finds_a_case_refers_and_goes_on_duty(
    browser, svc, clock, create_case, create_counsellor
):
    anna = create_counsellor("Anna Berger", on_duty=False)
    add_staff(svc, clock, "anna@example.org", counsellor="Anna Berger")
    opened = create_case()
    with svc.database.transaction() as session:
        save_offer(
            session, OfferFields("BEISPIEL Opferberatung NRW", "NW", "victim_support"), clock.now()
        )

    browser.open("/staff/cases")
    assert browser.path.startswith("/staff/login")
    assert browser.label_of(browser.by_id("email")) == "E-Mail-Adresse"
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys(PASSWORD)
    browser.click_and_load(browser.by_text("Anmelden", "button"))
    assert browser.path == "/staff/cases"

    typed = display_case_reference(opened.reference)
    browser.by_id("q").send_keys(typed)
    browser.click_and_load(browser.by_text("Fall öffnen", "button"))
    assert browser.path == f"/staff/cases/{opened.reference}"
    assert f"Fall {typed}" in browser.text("h1")

    Select(browser.by_id("offer")).select_by_visible_text(
        "Nordrhein-Westfalen – BEISPIEL Opferberatung NRW"
    )
    follow_up = browser.by_id("follow_up_on")
    browser.driver.execute_script("arguments[0].value = '2026-12-10'", follow_up)
    browser.click_and_load(browser.by_text("Weitervermittlung eintragen", "button"))
    assert "Weitervermittlung eingetragen." in browser.text("main")
    assert "Nachfrage am 10.12.2026" in browser.text("#timeline")
    assert browser.text("#case-status") == "weitervermittelt"
    with svc.database.transaction() as session:
        referral = session.scalars(select(Referral)).one()
        assert referral.case_id == opened.id and str(referral.follow_up_on) == "2026-12-10"

    browser.click_and_load(browser.by_text("Heute", "a"))
    assert "Sie sind nicht im Dienst." in browser.text("main")
    switch = browser.by_id("duty-switch")
    browser.tab_to(switch)
    browser.click_and_load(switch)
    assert "Sie sind jetzt im Dienst." in browser.text("main")
    assert "Anna Berger" in browser.text("#duty-h + ul")
    with svc.database.transaction() as session:
        assert session.get(Counsellor, anna.id).on_duty


def test_the_login_page_says_what_went_wrong_next_to_the_form(browser, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    browser.open("/staff/login")
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys("falsch-falsch-falsch")
    browser.click_and_load(browser.by_text("Anmelden", "button"))
    error = browser.by_id("login-error")
    assert error.get_attribute("role") == "alert"
    assert "stimmen nicht" in error.text
    assert browser.by_id("email").get_attribute("aria-describedby") == "login-error"


def test_a_counsellor_moves_an_appointment_from_the_week(
    browser, client, svc, clock, create_counsellor
):
    """*Termine* → the appointment's page → a free time chosen by its label → moved."""
    from tests.support.appointments import appointments, book

    create_counsellor("Anna Berger")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna Berger")
    assert book(client, "2026-11-27T10:00:00+01:00").status_code == 201

    browser.open("/staff/appointments")
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys(PASSWORD)
    browser.click_and_load(browser.by_text("Anmelden", "button"))
    assert browser.path == "/staff/appointments"
    assert "Termine vom 23.11. bis 29.11.2026" in browser.text("h1")
    browser.click_and_load(browser.by_text("27.11.2026 10:00–10:45", "a"))
    assert browser.text("h1") == "Termin am 27.11.2026 10:00"
    assert "https://meet.jit.si/starke-stelle-" in browser.text("main")
    assert browser.label_of(browser.by_id("start")).startswith("Neue Zeit")
    Select(browser.by_id("start")).select_by_visible_text("27.11.2026 14:00")
    browser.click_and_load(browser.by_text("Termin verlegen", "button"))
    assert "Der Termin ist verlegt." in browser.text("main")
    assert browser.text("h1") == "Termin am 27.11.2026 14:00"
    (moved,) = appointments(svc)
    assert moved.start.hour == 13 and moved.sequence == 1  # 14:00 in Berlin
