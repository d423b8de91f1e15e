"""The console is a blueprint per area (issue 24), each registered by `web.staff.init_app`:
every one of them keeps the console's hooks, so no page is reachable without a login, none
takes JSON, and the URLs, the line's script and the navigation are what they were."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import Rule

import web.staff
from hotline.staff.models import StaffRole
from tests.support.staff import add_staff, log_in

PATH_VALUES = {"filename": "line.js", "action": "status", "reference": "K-0001"}


def console_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/")]


def path_of(rule: Rule) -> str:
    """The rule's path with a value for each of its parts (a row id 1 where none is named)."""
    path = rule.rule
    for part in rule.rule.split("<")[1:]:
        placeholder = part.partition(">")[0]  # "id:callback_id", "path:filename", "reference"
        name = placeholder.rpartition(":")[2]
        path = path.replace(f"<{placeholder}>", str(PATH_VALUES.get(name, 1)))
    return path


def test_every_console_route_is_one_of_the_registered_blueprints(app):
    names = set(web.staff.blueprint_names())
    assert {rule.endpoint.partition(".")[0] for rule in console_rules(app)} == names
    # 9 areas, then *Termine* its own (issue 25), a case's Auskunft and Löschen (issue 26),
    # *Schutz der Leitung* (issue 27)
    assert len(names) == 12
    for name in names:
        assert [hook.__name__ for hook in app.before_request_funcs[name]][:2] == [
            "require_login",
            "forms_only",
        ], name


def test_no_console_route_opens_without_a_login(client):
    """Every area, and the line's script: anyone without a session is sent to the login."""
    checked = 0
    for rule in console_rules(client.application):
        if rule.endpoint == "staff_login.login":
            continue
        path = path_of(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/staff/login"), (method, path)
            checked += 1
    assert checked > 25


def test_no_console_form_takes_json(client, svc, clock):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    for rule in console_rules(client.application):
        if "POST" in rule.methods:
            response = client.post(path_of(rule), json={"status": ["open"]})
            assert response.status_code == 415, rule.rule


def test_the_lines_script_is_where_it_was(client, svc, clock):
    add_staff(svc, clock, "anna@example.org")
    log_in(client, "anna@example.org")
    page = client.get("/staff/").get_data(as_text=True)
    assert 'src="/staff/static/line.js"' in page and 'data-source="/staff/line"' in page
    script = client.get("/staff/static/line.js")
    assert script.status_code == 200 and "javascript" in script.content_type
    assert script.headers["Cache-Control"] == "no-store"


def test_the_navigation_marks_the_area_one_is_in(client, svc, clock):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    administration = '<a href="/staff/admin/staff" aria-current="page">Verwaltung</a>'
    for path in ("/staff/admin/staff", "/staff/admin/hours", "/staff/admin/audit"):
        assert administration in client.get(path).get_data(as_text=True), path
    cases = client.get("/staff/cases").get_data(as_text=True)
    assert '<a href="/staff/cases" aria-current="page">Fälle</a>' in cases
    assert administration not in cases
