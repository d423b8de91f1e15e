"""Logging in to the console through HTTP: passwords, CSRF, lock-out, rate limit, roles,
disabled accounts, idle time-out, logout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditAction, AuditEntry
from hotline.staff.accounts import disable, find_account
from hotline.staff.models import LoginThrottle, StaffRole
from tests.support.staff import add_staff, csrf_token, log_in, post_form


def audit_actions(svc) -> list[str]:
    with svc.database.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_every_page_needs_a_login(client):
    for path in ("/staff/", "/staff/cases", "/staff/stats", "/staff/admin/staff"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login?next=")


def test_logging_in_opens_the_console_in_a_new_session(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    response = log_in(client, "Anna@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as after:
        assert "planted" not in after
    page = client.get("/staff/")
    assert page.status_code == 200 and "Heute" in page.get_data(as_text=True)
    assert audit_actions(svc) == [AuditAction.LOGIN]


def test_the_login_page_takes_one_back_where_one_wanted_to_go(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    page = client.get("/staff/login?next=/staff/cases").get_data(as_text=True)
    response = client.post(
        "/staff/login?next=/staff/cases",
        data={
            "csrf_token": csrf_token(page),
            "email": "anna@example.org",
            "password": "richtig-langes-passwort",
        },
    )
    assert response.headers["Location"] == "/staff/cases"
    client.post(
        "/staff/logout",
        data={"csrf_token": csrf_token(client.get("/staff/").get_data(as_text=True))},
    )
    page = client.get("/staff/login").get_data(as_text=True)
    elsewhere = client.post(
        "/staff/login?next=https://evil.example/",
        data={
            "csrf_token": csrf_token(page),
            "email": "anna@example.org",
            "password": "richtig-langes-passwort",
        },
    )
    assert elsewhere.headers["Location"] == "/staff/"


def test_a_wrong_password_is_refused_and_audited(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    response = log_in(client, "anna@example.org", "falsches-passwort-1")
    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort stimmen nicht" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    unknown = log_in(client, "niemand@example.org", "falsches-passwort-1")
    assert "E-Mail-Adresse oder Passwort stimmen nicht" in unknown.get_data(as_text=True)
    assert audit_actions(svc) == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED]


def test_a_login_without_its_csrf_token_is_refused(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    response = client.post(
        "/staff/login", data={"email": "anna@example.org", "password": "richtig-langes-passwort"}
    )
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_repeated_failures_lock_the_account_for_a_while(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    for _ in range(4):
        assert log_in(client, "anna@example.org", "falsch-falsch-falsch").status_code == 400
    locked = log_in(client, "anna@example.org", "falsch-falsch-falsch")
    assert locked.status_code == 429 and "gesperrt" in locked.get_data(as_text=True)
    # even the right password waits for the lock to end
    assert log_in(client, "anna@example.org").status_code == 429
    clock.advance(timedelta(minutes=1, seconds=1))
    assert log_in(client, "anna@example.org").status_code == 302
    with svc.database.transaction() as session:
        assert session.scalars(select(LoginThrottle)).all() == []  # the count starts afresh


def test_the_lock_grows_with_further_failures(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    for _ in range(5):
        log_in(client, "anna@example.org", "falsch-falsch-falsch")
    clock.advance(timedelta(minutes=1, seconds=1))
    log_in(client, "anna@example.org", "falsch-falsch-falsch")  # the sixth: two minutes
    clock.advance(timedelta(minutes=1, seconds=30))
    assert log_in(client, "anna@example.org").status_code == 429
    clock.advance(timedelta(seconds=31))
    assert log_in(client, "anna@example.org").status_code == 302


def test_login_attempts_are_rate_limited_per_client(app, client, svc, clock):
    app.config["STAFF_LOGIN_RATE"] = "3 per minute"
    page = client.get("/staff/login").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": "x@example.org", "password": "y" * 12}
    statuses = [client.post("/staff/login", data=form).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_a_counsellor_is_denied_the_admin_pages(client, svc, clock):
    add_staff(svc, clock, "anna@example.org", StaffRole.COUNSELLOR)
    log_in(client, "anna@example.org")
    for path in (
        "/staff/admin/staff",
        "/staff/admin/counsellors",
        "/staff/admin/hours",
        "/staff/admin/audit",
        "/staff/admin/counsellors/1/availability",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Kein Zugriff" in response.get_data(as_text=True)
    refused = post_form(
        client,
        "/staff/",
        "/staff/admin/staff",
        {"email": "neu@example.org", "role": "admin", "password": "p" * 12},
    )
    assert refused.status_code == 403
    assert "Verwaltung" not in client.get("/staff/").get_data(as_text=True)


def test_an_admin_sees_the_admin_pages(client, svc, clock):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    for path in (
        "/staff/admin/staff",
        "/staff/admin/counsellors",
        "/staff/admin/hours",
        "/staff/admin/audit",
    ):
        assert client.get(path).status_code == 200, path


def test_a_disabled_account_is_refused_and_its_sessions_end(client, svc, clock, app):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    assert client.get("/staff/").status_code == 200
    with svc.database.transaction() as session:
        disable(session, find_account(session, "anna@example.org"), clock.now())
    assert client.get("/staff/").status_code == 302  # the running session has ended
    other = app.test_client()
    refused = log_in(other, "anna@example.org")
    assert refused.status_code == 400 and "deaktiviert" in refused.get_data(as_text=True)
    assert other.get("/staff/").status_code == 302


def test_an_idle_session_ends(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    clock.advance(timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200  # activity keeps it going
    clock.advance(timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200
    clock.advance(timedelta(minutes=31))
    response = client.get("/staff/cases")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sitzung ist abgelaufen" in page


def test_logging_out_ends_the_session(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    html = client.get("/staff/").get_data(as_text=True)
    assert client.post("/staff/logout").status_code == 400  # no token: nothing happens
    assert client.get("/staff/").status_code == 200
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302
    assert audit_actions(svc)[-1] == AuditAction.LOGOUT


@pytest.mark.parametrize("path", ["/staff/cases/12345678", "/staff/nichts"])
def test_unknown_console_pages_answer_404_once_logged_in(client, svc, clock, path):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    assert client.get(path).status_code == 404
