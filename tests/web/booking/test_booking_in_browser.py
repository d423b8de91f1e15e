"""The booking page `/termin` in a real browser with JavaScript off: booking, the manage page,
cancelling (after a question), errors tied to their fields, labels and the keyboard, the week
view on a 390 px phone; and the manage page of a callback booked through the API.

One headless Chromium serves the whole module; every test has its own app, database and live
server (Thursday 26 November 2026, 10:00 in Berlin; one counsellor, available whenever the
line is open).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from sqlalchemy import select

from hotline.appointments.models import Appointment, AppointmentState
from hotline.callbacks.models import Callback, CallbackState
from hotline.services import Services
from tests.support import browser as browser_support
from tests.support.appointments import local_path
from tests.support.browser import Browser, chromium_fixture, describe
from tests.support.factories import Factories
from tests.support.times import berlin

chromium = chromium_fixture()
phone = chromium_fixture(name="phone", phone=(390, 844))  # a common phone's viewport

FRIDAY = "Fr., 27. November"
FRIDAY_BUTTON = "Fr. 27.11."
PSEUDONYM = "Amsel"
EMAIL = "amsel@example.org"
CASE_REFERENCE = re.compile(r"^\d{4} \d{4}$")
VIDEO_PREFIX = "https://meet.jit.si/starke-stelle-"


@pytest.fixture
def browser(chromium, live_server: str, factories: Factories) -> Browser:
    factories.counsellor("Beraterin Anna", email="anna@example.org")
    return Browser(chromium, live_server)


def appointments(svc: Services) -> list[tuple[str, datetime]]:
    with svc.database.transaction() as session:
        return [
            (row.state, row.start)
            for row in session.scalars(select(Appointment).order_by(Appointment.id))
        ]


def choose_day(browser: Browser, label: str) -> None:
    browser.click_and_load(browser.by_text(label, "a"))
    assert " ".join(browser.find('ul.days a[aria-current="date"]').text.split()) == label


def choose_time(browser: Browser, label: str) -> WebElement:
    """Click the time's label (as a person would), not the small radio itself."""
    browser.by_text(label, "label").click()
    radio = browser.by_text(label, "label").find_element(By.CSS_SELECTOR, "input[type=radio]")
    assert radio.is_selected()
    return radio


def fill(browser: Browser, field_id: str, value: str) -> None:
    field = browser.by_id(field_id)
    field.clear()
    field.send_keys(value)


def book_friday_ten(browser: Browser) -> str:
    """Book Friday 10:00 through the form; the manage page's path."""
    browser.open("/termin")
    choose_day(browser, FRIDAY_BUTTON)
    choose_time(browser, "10:00 Uhr")
    fill(browser, "name", PSEUDONYM)
    fill(browser, "email", EMAIL)
    browser.by_id("consent").click()
    browser.click_and_load(browser.by_text("Termin verbindlich buchen", "button"))
    return browser.wait_for_path("/termin/")


def definitions(browser: Browser) -> dict[str, WebElement]:
    """The manage page's <dl>: term → its <dd>."""
    terms = browser.find_all("dl > dt")
    values = browser.find_all("dl > dd")
    return {term.text: value for term, value in zip(terms, values, strict=True)}


def test_booking_and_cancelling_without_javascript(browser, svc):
    browser.open("/termin")
    assert browser.find("html").get_attribute("lang") == "de"
    assert browser.find("h1").text == "Termin buchen"
    assert browser.find_all("script") == []  # nothing to run, nothing needed

    choose_day(browser, FRIDAY_BUTTON)
    assert "tag=2026-11-27" in browser.path
    assert browser.find("legend").text == f"2. Uhrzeit am {FRIDAY}"
    choose_time(browser, "10:00 Uhr")
    fill(browser, "name", PSEUDONYM)
    fill(browser, "email", EMAIL)
    browser.by_text(
        "Ich habe den Datenschutzhinweis gelesen und bin einverstanden.", "label"
    ).click()
    assert browser.by_id("consent").is_selected()
    browser.click_and_load(browser.by_text("Termin verbindlich buchen", "button"))

    path = browser.wait_for_path("/termin/")
    token = path.removeprefix("/termin/").split("?")[0]
    assert path == f"/termin/{token}?gebucht=1"
    assert "Ihr Termin ist gebucht." in browser.find("[role=status]").text
    facts = definitions(browser)
    assert facts["Wann"].text == "Freitag, 27. November 2026, 10:00 Uhr (45 Minuten)"
    video = facts["Videoraum"].find_element(By.CSS_SELECTOR, "a")
    assert video.get_attribute("href").startswith(VIDEO_PREFIX)
    assert video.text == video.get_attribute("href")
    assert CASE_REFERENCE.match(facts["Fallnummer"].text), facts["Fallnummer"].text
    calendar = browser.by_text("In den Kalender (.ics)", "a")
    assert calendar.get_attribute("href") == browser.url(f"/termin/{token}/termin.ics")
    assert calendar.get_attribute("download") is not None
    with requests.Session() as http:
        http.trust_env = False  # straight to the live server, never through a proxy
        ics = http.get(calendar.get_attribute("href"), timeout=5)
    assert ics.status_code == 200
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert "DTSTART" in ics.text and "METHOD:REQUEST" in ics.text
    assert appointments(svc) == [(AppointmentState.BOOKED, berlin(2026, 11, 27, 10, 0))]

    browser.click_and_load(browser.by_text("Termin absagen", "a"))  # asks first
    assert browser.path == f"/termin/{token}/cancel"
    assert browser.find("h1").text == "Termin absagen?"
    assert "Freitag, 27. November 2026, 10:00 Uhr" in browser.text("main")
    assert appointments(svc) == [(AppointmentState.BOOKED, berlin(2026, 11, 27, 10, 0))]
    browser.click_and_load(browser.by_text("Nein, Termin behalten", "a"))
    assert browser.path == f"/termin/{token}"
    assert appointments(svc) == [(AppointmentState.BOOKED, berlin(2026, 11, 27, 10, 0))]
    browser.click_and_load(browser.by_text("Termin absagen", "a"))
    browser.click_and_load(browser.by_text("Ja, Termin absagen", "button"))

    assert browser.wait_for_path(f"/termin/{token}?abgesagt=")
    assert "Ihr Termin ist abgesagt." in browser.find("[role=status]").text
    assert "Dieser Termin am Freitag, 27. November 2026, 10:00 Uhr ist abgesagt." in (
        browser.text("main")
    )
    assert browser.find_all("form") == []  # nothing left to move or cancel
    assert appointments(svc) == [(AppointmentState.CANCELED, berlin(2026, 11, 27, 10, 0))]


def test_errors_are_tied_to_their_fields(browser, svc):
    browser.open("/termin")
    choose_day(browser, FRIDAY_BUTTON)
    choose_time(browser, "11:00 Uhr")
    fill(browser, "email", EMAIL)  # the name stays empty, the consent unticked
    browser.click_and_load(browser.by_text("Termin verbindlich buchen", "button"))

    summary = browser.find("[role=alert]")
    assert summary.is_displayed()
    assert summary.find_element(By.CSS_SELECTOR, "h2").text == "Bitte prüfen Sie Ihre Angaben"
    listed = {
        link.get_attribute("hash"): link.text
        for link in summary.find_elements(By.CSS_SELECTOR, "li a")
    }
    assert set(listed) == {"#name", "#consent"}
    for field_id in ("name", "consent"):
        field = browser.by_id(field_id)
        assert field.get_attribute("aria-invalid") == "true", describe(field)
        errors = [
            element
            for element in browser.described_by(field)
            if "field-error" in (element.get_attribute("class") or "").split()
        ]
        assert len(errors) == 1, f"{field_id}: no error message in aria-describedby"
        assert errors[0].is_displayed()
        assert errors[0].text == listed[f"#{field_id}"]
    assert browser.by_id("email").get_attribute("aria-invalid") is None
    # what was right is kept: the day, the time, the e-mail address
    assert " ".join(browser.find('ul.days a[aria-current="date"]').text.split()) == FRIDAY_BUTTON
    assert (
        browser.by_text("11:00 Uhr", "label").find_element(By.CSS_SELECTOR, "input").is_selected()
    )
    assert browser.by_id("email").get_attribute("value") == EMAIL
    assert appointments(svc) == []


def assert_every_field_is_labelled(browser: Browser) -> int:
    fields = browser.visible_fields()
    unlabelled = [describe(field) for field in fields if not browser.label_of(field)]
    assert unlabelled == [], f"{browser.path}: fields without a label"
    nameless = [describe(field) for field in fields if not field.accessible_name.strip()]
    assert nameless == [], f"{browser.path}: fields without an accessible name"
    return len(fields)


def test_labels_skip_link_and_keyboard(browser):
    browser.open("/termin")
    assert assert_every_field_is_labelled(browser) >= 7  # times, name, e-mail, ..., consent

    skip = browser.find("a.skip")
    assert skip.get_attribute("hash") == "#inhalt"
    assert browser.find("main").get_attribute("id") == "inhalt"

    browser.press(Keys.TAB)
    assert browser.focused == skip, f"the first TAB goes to {describe(browser.focused)}"
    assert skip.rect["x"] >= 0 and skip.is_displayed()  # on screen while it has the focus
    assert browser.has_visible_outline(skip)

    first_day = browser.find("ul.days a")
    browser.tab_to(first_day, most=3)
    assert browser.focused == first_day
    assert browser.has_visible_outline(first_day), {
        prop: browser.style(first_day, prop)
        for prop in ("outline-style", "outline-width", "outline-color")
    }
    browser.press(Keys.TAB)  # onwards: the next day link is outlined as well
    assert browser.focused.tag_name == "a" and browser.has_visible_outline(browser.focused)

    book_friday_ten(browser)  # the manage page's forms: the e-mail is known, move and cancel
    assert assert_every_field_is_labelled(browser) >= 1


def test_a_phone_appointment_is_chosen_in_a_labelled_group_and_shown_without_a_room(browser, svc):
    browser.open("/termin")
    choose_day(browser, FRIDAY_BUTTON)
    choose_time(browser, "10:00 Uhr")
    group = browser.by_id("type")
    assert group.tag_name == "fieldset"
    assert group.find_element(By.CSS_SELECTOR, "legend").text == "3. Telefon oder Video"
    video, by_phone = browser.by_id("type-video"), browser.by_id("type-phone")
    assert video.is_selected() and not by_phone.is_selected()  # as before: video
    browser.by_text("Telefontermin", "label").click()  # the label, as a person would
    assert by_phone.is_selected() and not video.is_selected()
    assert by_phone.accessible_name == "Telefontermin"
    hints = " ".join(element.text for element in browser.described_by(by_phone))
    assert "Wir rufen Sie zur gewählten Zeit an" in hints
    browser.press(Keys.ARROW_UP)  # a radio group: the arrow keys move the choice
    assert video.is_selected()
    browser.press(Keys.ARROW_DOWN)
    assert by_phone.is_selected()
    fill(browser, "name", PSEUDONYM)
    fill(browser, "phone", "0151 23456789")
    browser.by_id("consent").click()
    browser.click_and_load(browser.by_text("Termin verbindlich buchen", "button"))

    browser.wait_for_path("/termin/")
    assert browser.find("h1").text == "Ihr Telefontermin"
    assert "Ihr Termin ist gebucht." in browser.find("[role=status]").text
    facts = definitions(browser)
    assert "Videoraum" not in facts and browser.find_all(f'a[href^="{VIDEO_PREFIX}"]') == []
    number = facts["Wir rufen an unter"].text
    assert number.startswith("+49151") and "23456789" not in number
    assert "Der Anruf kommt von 0800 300 99 44" in browser.text("main")
    assert_every_field_is_labelled(browser)
    with svc.database.transaction() as session:
        assert session.scalars(select(Appointment.kind)).one() == "phone"


def test_a_missing_chromium_fails_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_support, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(pytest.fail.Exception, match=r"chromium is missing: `\.ci/run` installs"):
        browser_support.require_chromium()


def test_a_callback_booked_through_the_api_is_cancelled_on_its_page(browser, svc):
    with requests.Session() as http:
        http.trust_env = False
        booked = http.post(
            browser.url("/api/v1/appointments"),
            json={
                "type": "callback",
                "start": "2026-11-27T10:15:00+01:00",
                "name": PSEUDONYM,
                "phone": "0151 23456789",
                "consent": True,
            },
            timeout=5,
        )
    assert booked.status_code == 201, booked.text
    path = local_path(booked.json()["manage_url"])

    browser.open(path)
    assert browser.find("h1").text == "Ihr Rückruf"
    assert browser.find_all("script") == []
    facts = definitions(browser)
    assert facts["Wann"].text == "Freitag, 27. November 2026, 10:15 Uhr"
    assert "23456789" not in facts["Wir rufen an unter"].text
    assert_every_field_is_labelled(browser)

    browser.click_and_load(browser.by_text("Rückruf absagen", "a"))  # asks first
    assert browser.path == f"{path}/cancel"
    assert browser.find("h1").text == "Rückruf absagen?"
    with svc.database.transaction() as session:
        assert session.scalars(select(Callback.state)).one() == CallbackState.BOOKED
    browser.click_and_load(browser.by_text("Ja, Rückruf absagen", "button"))

    assert browser.wait_for_path(f"{path}?abgesagt=1")
    assert "Ihr Rückruf ist abgesagt." in browser.find("[role=status]").text
    assert browser.find_all("form") == []
    with svc.database.transaction() as session:
        assert session.scalars(select(Callback.state)).one() == CallbackState.CANCELED


# --- on a phone ------------------------------------------------------------------------------
@pytest.fixture
def on_a_phone(phone, live_server: str, factories: Factories) -> Browser:
    factories.counsellor("Beraterin Anna", email="anna@example.org")
    return Browser(phone, live_server)


def first_time_ends_at(browser: Browser) -> float:
    """How far down the page the first time to choose ends (CSS pixels)."""
    label = browser.find("input[name=start]").find_element(By.XPATH, "ancestor::label")
    assert label.is_displayed()
    return label.rect["y"] + label.rect["height"]


def test_on_a_phone_a_week_fits_and_the_first_time_is_on_the_first_screen(on_a_phone):
    browser = on_a_phone
    browser.open("/termin")
    assert browser.driver.execute_script("return window.innerWidth") == 390
    assert browser.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    days = browser.find_all("ul.days li")
    assert len(days) == 7
    assert len({round(day.rect["y"]) for day in days}) == 1  # the week in one row
    assert first_time_ends_at(browser) <= 800

    # the keyboard: past the skip link to the next week, to a day, to its first time
    browser.press(Keys.TAB)
    assert browser.focused == browser.find("a.skip")
    next_week = browser.by_text("Nächste Woche", "a")
    browser.tab_to(next_week, most=3)
    assert browser.has_visible_outline(next_week)
    browser.press_and_load(Keys.ENTER)
    assert browser.path == "/termin?tag=2026-11-30"
    tuesday = browser.find('ul.days a[href$="tag=2026-12-01"]')
    browser.tab_to(tuesday, most=6)
    browser.press_and_load(Keys.ENTER)
    assert browser.find("legend").text == "2. Uhrzeit am Di., 1. Dezember"
    assert first_time_ends_at(browser) <= 800
    first = browser.find("input[name=start]")
    browser.tab_to(first, most=10)
    browser.press(Keys.SPACE)
    assert first.is_selected() and first.get_attribute("value") == "2026-12-01T09:00:00+01:00"
    assert assert_every_field_is_labelled(browser) >= 7
    names = [day.accessible_name for day in browser.find_all("ul.days a")]
    assert "Di. 1.12." in names and all(names)
