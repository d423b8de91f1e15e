"""axe-core on the pages issue 25 added or changed, in Debian's Chromium (WebDriver injects
axe): the booking page with Telefon or Video, the manage page of a
phone appointment and of one inside the minimum notice, and the console's *Termine* week and
appointment page. WCAG 2.1 A and AA, no violation."""

from __future__ import annotations

import pytest

from tests.support.appointments import (
    appointments,
    book,
    book_phone,
    local_path,
    raised_booking_limit,
)
from tests.support.axe import violations
from tests.support.browser import Browser, chromium_fixture
from tests.support.staff import PASSWORD, add_staff
from tests.support.times import berlin

# axe-core needs the page's timers: this browser runs JavaScript (the pages hold none but the
# console's live line, whose script only refreshes the line)
chromium = chromium_fixture(javascript=True)
hotline_config = raised_booking_limit


@pytest.fixture
def browser(chromium, live_server: str) -> Browser:
    return Browser(chromium, live_server)


def assert_clean(browser: Browser, path: str) -> None:
    browser.open(path)
    assert browser.path.split("?")[0] == path.split("?")[0], browser.path
    assert violations(browser.driver) == [], path


def test_the_public_pages_of_appointments_have_no_violations(
    browser, client, clock, create_counsellor
):
    create_counsellor("Anna")
    assert_clean(browser, "/termin")
    phone = book_phone(client, "2026-11-27T10:00:00+01:00")
    assert phone.status_code == 201, phone.json
    assert_clean(browser, local_path(phone.json["manage_url"]))
    # the same page in English (as an appointment booked in English shows it)
    assert_clean(browser, local_path(phone.json["manage_url"]) + "?lang=en")
    assert browser.driver.find_element("tag name", "html").get_attribute("lang") == "en"
    video = book(client, "2026-11-26T13:00:00+01:00").json
    clock.set(berlin(2026, 11, 26, 12, 0))  # inside the notice: whom to call instead
    assert_clean(browser, local_path(video["manage_url"]))


def test_the_consoles_appointment_pages_have_no_violations(
    browser, client, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    book(client, "2026-11-27T10:00:00+01:00")
    (row,) = appointments(svc)
    browser.open("/staff/appointments")
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys(PASSWORD)
    browser.click_and_load(browser.by_text("Anmelden", "button"))
    assert_clean(browser, "/staff/appointments")
    assert_clean(browser, f"/staff/appointments/{row.id}")


def test_axe_finds_what_it_should(chromium):
    """The check can fail: an image without a text and a field without a label."""
    chromium.get(
        "data:text/html,<!DOCTYPE html><html lang=de><title>t</title>"
        "<main><img src=x.png><input type=text></main></html>"
    )
    found = {violation["id"] for violation in violations(chromium)}
    assert {"image-alt", "label"} <= found
