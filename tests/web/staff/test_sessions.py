"""Console sessions are held on the server: a cookie copied before logout, disabling or a
password reset opens nothing afterwards, and no session outlives its lifetime however busy.
Lock-outs count per address and client, and say nothing about which accounts exist."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from statistics import median

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hotline.staff.models import StaffRole, StaffSession
from tests.support.staff import PASSWORD, add_staff, csrf_token, log_in, post_form

SESSION_COOKIE = "session"


def copied_cookie(client: FlaskClient, app) -> FlaskClient:
    """A second browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, client.get_cookie(SESSION_COOKIE).value)
    return thief


def browser_at(app, address: str) -> FlaskClient:
    """A browser on a machine with this IP address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def logged_out(response) -> bool:
    return response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(app, client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    thief = copied_cookie(client, app)
    assert thief.get("/staff/cases").status_code == 200  # the copy works while logged in
    token_of_the_thief = csrf_token(thief.get("/staff/").get_data(as_text=True))
    html = client.get("/staff/").get_data(as_text=True)
    assert client.post("/staff/logout", data={"csrf_token": csrf_token(html)}).status_code == 302

    assert logged_out(thief.get("/staff/cases"))
    # nor can it act: the duty switch, with a valid CSRF token of that session, is refused
    acted = thief.post("/staff/duty", data={"csrf_token": token_of_the_thief, "on_duty": "1"})
    assert logged_out(acted)
    with svc.database.transaction() as session:
        ended = session.scalars(select(StaffSession)).one()
        assert ended.ended_at == clock.now() and ended.end_reason == "logout"


def test_the_cookie_holds_only_a_random_token(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    with client.session_transaction() as held:
        token = held["staff"]
    assert isinstance(token, str) and len(token) >= 43  # 256 bit, URL-safe
    with svc.database.transaction() as session:
        stored = session.scalars(select(StaffSession.token_digest)).one()
    assert token not in stored  # only its digest is kept


def test_no_session_outlives_its_lifetime_however_busy(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    for _ in range(11 * 3):  # a request every 20 minutes for 11 hours
        clock.advance(timedelta(minutes=20))
        assert client.get("/staff/").status_code == 200
    for minutes in (20, 20, 19):
        clock.advance(timedelta(minutes=minutes))
        assert client.get("/staff/").status_code == 200  # until 11 h 59 min after the login
    clock.advance(timedelta(minutes=2))
    response = client.get("/staff/cases")
    assert logged_out(response) and "expired=1" in response.headers["Location"]
    assert log_in(client, "anna@example.org").status_code == 302  # a new login starts afresh
    assert client.get("/staff/").status_code == 200


def test_the_lifetime_and_idle_time_come_from_the_configuration(tmp_path, environment, clock):
    from hotline.app import create_app
    from hotline.config import ConfigError, load_settings

    config = tmp_path / "console.toml"
    config.write_text("[console]\nidle_minutes = 5\nsession_hours = 1\n")
    app = create_app(
        load_settings({**environment, "HOTLINE_CONFIG": str(config)}, tmp_path / "i"),
        clock=clock,
    )
    from hotline.services import services

    svc = services(app)
    try:
        add_staff(svc, clock, "anna@example.org")
        client = app.test_client()
        log_in(client, "anna@example.org")
        clock.advance(timedelta(minutes=4))
        assert client.get("/staff/").status_code == 200
        clock.advance(timedelta(minutes=6))
        assert logged_out(client.get("/staff/"))
    finally:
        svc.database.dispose()
    config.write_text("[console]\nsession_hours = 0\n")
    with pytest.raises(ConfigError, match=r"console\.session_hours"):
        create_app(load_settings({**environment, "HOTLINE_CONFIG": str(config)}, tmp_path / "j"))


def test_a_password_reset_by_an_admin_ends_the_accounts_sessions(app, client, svc, clock):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    anna = add_staff(svc, clock, "anna@example.org")
    annas_browser = app.test_client()
    log_in(annas_browser, "anna@example.org")
    log_in(client, "chefin@example.org")
    changed = post_form(
        client,
        "/staff/admin/staff",
        f"/staff/admin/staff/{anna}/password",
        {"password": "ein-ganz-neues-passwort"},
    )
    assert changed.status_code == 302
    assert logged_out(annas_browser.get("/staff/"))
    assert client.get("/staff/").status_code == 200  # the admin's own session goes on
    assert log_in(annas_browser, "anna@example.org", "ein-ganz-neues-passwort").status_code == 302


def test_disabling_on_the_command_line_ends_the_sessions(app, client, svc, clock, hotline):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    assert hotline("staff", "disable", "anna@example.org").exit_code == 0
    assert logged_out(client.get("/staff/"))
    hotline("staff", "enable", "anna@example.org")
    assert logged_out(client.get("/staff/"))  # enabling again does not revive a session


def test_an_admin_cannot_disable_their_own_account(client, svc, clock):
    me = add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    refused = post_form(client, "/staff/admin/staff", f"/staff/admin/staff/{me}/disable", {})
    assert refused.status_code == 302
    page = client.get("/staff/admin/staff").get_data(as_text=True)
    assert "Das eigene Konto kann nicht deaktiviert werden." in page
    assert client.get("/staff/").status_code == 200


def test_a_stranger_cannot_lock_a_counsellor_out(app, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    stranger = browser_at(app, "203.0.113.7")
    for _ in range(5):
        log_in(stranger, "anna@example.org", "geraten-geraten-1")
    assert log_in(stranger, "anna@example.org").status_code == 429  # the stranger is locked
    anna = browser_at(app, "198.51.100.20")
    assert log_in(anna, "anna@example.org").status_code == 302  # Anna is not


def test_known_and_unknown_addresses_are_answered_alike(app, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    answers = {}
    for number, address in enumerate(("anna@example.org", "niemand@example.org")):
        client = browser_at(app, f"203.0.113.{number + 1}")  # each within the rate limit
        statuses = [log_in(client, address, "geraten-geraten-1").status_code for _ in range(6)]
        page = log_in(client, address, "geraten-geraten-1").get_data(as_text=True)
        without_token = re.sub(r'name="csrf_token"[^>]*>', "", page.split("<main", 1)[-1])
        answers[address] = (statuses, without_token)
    known, unknown = answers.values()
    assert known[0] == unknown[0] == [400, 400, 400, 400, 429, 429]
    assert known[1].replace("anna@", "niemand@") == unknown[1]


def _seconds(client: FlaskClient, address: str) -> float:
    page = client.get("/staff/login").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": address, "password": "geraten-geraten-1"}
    started = time.perf_counter()
    client.post("/staff/login", data=form)
    return time.perf_counter() - started


def test_a_locked_known_address_takes_as_long_as_an_unknown_one(app, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    locked = browser_at(app, "203.0.113.7")
    for _ in range(5):
        log_in(locked, "anna@example.org", "geraten-geraten-1")
    unknown = browser_at(app, "203.0.113.8")
    locked_times = [_seconds(locked, "anna@example.org") for _ in range(3)]
    unknown_times = [_seconds(unknown, "niemand@example.org") for _ in range(3)]
    # both verify one Argon2 hash (tens of milliseconds); before, a lock answered at once
    assert median(locked_times) > 0.5 * median(unknown_times)
    assert median(unknown_times) > 0.5 * median(locked_times)


def test_a_new_login_in_the_same_browser_ends_the_session_before(app, client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    before = copied_cookie(client, app)
    log_in(client, "anna@example.org", PASSWORD)
    assert logged_out(before.get("/staff/"))
    assert client.get("/staff/").status_code == 200


def test_no_console_page_is_kept_in_a_cache(client, svc, clock):
    """Cases, names and numbers must not stay in a shared computer's browser cache."""
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"
    log_in(client, "chefin@example.org")
    for path in (
        "/staff/",
        "/staff/cases",
        "/staff/callbacks",
        "/staff/appointments",
        "/staff/offers",
        "/staff/stats",
        "/staff/stats.csv",
        "/staff/admin/staff",
        "/staff/admin/audit",
        "/staff/nichts",
    ):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
