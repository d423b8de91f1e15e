"""The line as staff watch it: *Heute* shows who waits and what each counsellor does, and
updates itself within 5 s in a real Chromium (with a pause; without JavaScript it is a plain
page); `hotline queue` prints the same; the scheduler's safety net rings whom a change it was
not told of has freed."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from scheduling.scheduler import jobs
from tests.support.appointments import appointments
from tests.support.browser import Browser, chromium_fixture
from tests.support.routing import RoutingDriver
from tests.support.staff import PASSWORD, add_staff, log_in
from tests.support.times import berlin

chromium = chromium_fixture(javascript=True)
A, B, C = ("CA" + f"{n}" * 32 for n in (7, 8, 9))


@pytest.fixture
def switch(twilio, svc, dispatcher, fake_twilio) -> RoutingDriver:
    return RoutingDriver(twilio, svc, dispatcher, fake_twilio)


def test_heute_shows_who_waits_and_what_each_counsellor_does(
    client, switch, svc, clock, create_counsellor
):
    create_counsellor("Anna"), create_counsellor("Ben", languages="de,en")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    switch.caller_waits(A)
    (leg, _other) = sorted(switch.ring(), key=lambda leg: leg.to)
    switch.answer(leg)
    switch.press(leg, "1")  # Anna talks with A
    clock.advance(timedelta(seconds=30))
    switch.caller_waits(B, english=True)
    clock.advance(timedelta(seconds=95))
    log_in(client, "anna@example.org")
    page = client.get("/staff/").get_data(as_text=True)
    assert "In der Warteschlange" in page
    assert "Englisch" in page and "1 min 35 s" in page  # B: position 1, waited 95 s
    assert "Anna: im Gespräch seit 10:00 Uhr" in page
    assert "Ben: wird angerufen seit 10:00 Uhr" in page  # for B, who speaks English
    # a waiting caller's case is a link: its page can block the caller ("Anrufer sperren")
    assert re.search(r'<td><a href="/staff/cases/[0-9]{8}">[0-9]{4} [0-9]{4}</a></td>', page)
    assert 'aria-live="polite"' in page and "line.js" in page
    fragment = client.get("/staff/line")
    assert fragment.status_code == 200 and "Englisch" in fragment.get_data(as_text=True)
    assert fragment.headers["Cache-Control"] == "no-store"


def test_the_page_refreshing_itself_keeps_no_session_from_idling_out(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    for _ in range(31):  # a page left open: its refresh runs, nobody uses it
        clock.advance(timedelta(minutes=1))
        client.get("/staff/line")
    assert client.get("/staff/").status_code == 302  # idle for 31 minutes: ended


def test_hotline_queue_prints_the_line_and_the_counsellors(
    hotline, switch, svc, clock, create_counsellor
):
    create_counsellor("Anna")
    create_counsellor("Ben", on_duty=False)
    assert "Niemand wartet." in hotline("queue").output
    switch.caller_waits(A)
    switch.ring()
    clock.advance(timedelta(seconds=65))
    switch.caller_waits(B)
    output = hotline("queue").output
    assert "Position" in output and "1 min 05 s" in output and "Deutsch" in output
    assert "wartet am Telefon" in output
    assert "Anna" in output and "wird angerufen" in output
    assert "Ben" in output and "nicht im Dienst" in output
    assert "+49" not in output  # no numbers


def test_the_safety_net_rings_whom_a_change_it_was_not_told_of_has_freed(
    client, switch, svc, clock, dispatcher, create_counsellor, hotline
):
    create_counsellor("Anna")
    booked = client.post(
        "/api/v1/appointments",
        json={
            "type": "video",
            "start": "2026-11-26T12:00:00+01:00",
            "name": "X",
            "email": "x@example.org",
            "consent": True,
        },
    )
    assert booked.status_code == 201
    clock.set(berlin(2026, 11, 26, 12, 10))
    switch.caller_waits(A)
    assert switch.ring() == []  # Anna is in her video appointment
    # ended early: staff cancel it (the official may not, inside the minimum notice)
    (appointment,) = appointments(svc)
    assert hotline("appointments", "cancel", str(appointment.id)).exit_code == 0
    assert switch.ring() == []  # nobody told the distributor
    jobs.bind(jobs.JobContext(dispatcher))
    try:
        assert jobs.look_at_the_line() == 1
    finally:
        jobs.bind(None)
    (leg,) = switch.ring()
    assert "Fall" in switch.answer(leg)


@pytest.fixture
def browser(chromium, live_server: str) -> Browser:
    return Browser(chromium, live_server, timeout=8)


def test_heute_updates_itself_and_can_be_paused(browser, switch, svc, clock, create_counsellor):
    create_counsellor("Anna")
    add_staff(svc, clock, "anna@example.org", counsellor="Anna")
    browser.open("/staff/login")
    browser.by_id("email").send_keys("anna@example.org")
    browser.by_id("password").send_keys(PASSWORD)
    browser.click_and_load(browser.find("button[type=submit]"))
    assert "Niemand wartet." in browser.text("#line-content")
    pause = browser.by_id("line-pause")
    assert pause.is_displayed() and pause.get_attribute("aria-pressed") == "false"

    switch.caller_waits(A)
    started = time.monotonic()
    browser.wait().until(lambda _: "Position" in browser.text("#line-content"))
    assert time.monotonic() - started < 5.5

    pause.click()
    assert pause.get_attribute("aria-pressed") == "true"
    assert pause.text == "Aktualisieren fortsetzen"
    switch.caller_waits(B)
    time.sleep(5)
    assert browser.text("#line-content").count("wartet am Telefon") == 1  # paused
    pause.click()
    browser.wait().until(lambda _: browser.text("#line-content").count("wartet am Telefon") == 2)
