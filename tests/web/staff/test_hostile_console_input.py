"""Hostile values in the console, through HTTP on both databases, logged in as an admin: "²"
(which `str.isdigit` calls a digit), 20-digit numbers (beyond SQLite's and PostgreSQL's
integers), years 0001 and 9999, NUL bytes (PostgreSQL refuses them in text), dates far ahead.
Each is answered with a 4xx or the page with a message, never a 5xx; then a property-based test
sends generated hostile values to every console route."""

from __future__ import annotations

import re
import string
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hotline.availability.models import CounsellorAbsence
from hotline.cases.models import Case
from hotline.hours.models import HoursOverrideEntry
from hotline.referrals.directory import OfferFields, save_offer
from hotline.referrals.models import Referral, SupportOffer
from hotline.staff.accounts import find_account, reset_password
from hotline.staff.models import StaffRole
from tests.support.staff import PASSWORD, add_staff, csrf_token, log_in, post_form

ROOT = Path(__file__).resolve().parents[3]
TWENTY_DIGITS = "9" * 20
BEYOND_INTEGER = str(2**31)  # PostgreSQL's INTEGER ends at 2**31 - 1


def a_console(client, svc, clock, create_case, create_counsellor) -> dict[str, str]:
    """An admin who is also a counsellor (so click-to-call reaches its view), logged in; a
    case with a referral to an offer. Returns the ids and the case page."""
    anna = create_counsellor("Anna")
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN, counsellor="Anna")
    assert log_in(client, "chefin@example.org").status_code == 302
    opened = create_case()
    with svc.database.transaction() as session:
        offer, _ = save_offer(
            session, OfferFields("BEISPIEL Beratung", "NW", "victim_support"), clock.now()
        )
        offer_id = offer.id
    page = f"/staff/cases/{opened.reference}"
    post_form(client, page, f"{page}/refer", {"offer": str(offer_id)})
    with svc.database.transaction() as session:
        referral_id = session.scalars(select(Referral.id)).one()
    return {
        "page": page,
        "reference": opened.reference,
        "counsellor": str(anna.id),
        "offer": str(offer_id),
        "referral": str(referral_id),
    }


def errors_shown(client, response) -> str:
    """The error flashed by a form's answer (a redirect to the page that shows it)."""
    assert response.status_code == 302, response.status_code
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    shown = re.findall(r'<p class="errors" role="alert">([^<]*)</p>', html)
    assert shown, "no error on the page"
    return " ".join(shown)


@pytest.mark.parametrize(
    "query",
    [
        "/staff/cases?page=²",
        f"/staff/cases?page={TWENTY_DIGITS}",
        "/staff/cases?counsellor=²",
        f"/staff/cases?counsellor={TWENTY_DIGITS}",
        f"/staff/cases?counsellor={BEYOND_INTEGER}",
        "/staff/admin/audit?staff=²",
        f"/staff/admin/audit?staff={TWENTY_DIGITS}",
        f"/staff/admin/audit?staff={BEYOND_INTEGER}",
        "/staff/offers?edit=²",
        f"/staff/offers?edit={TWENTY_DIGITS}",
        f"/staff/offers?edit={BEYOND_INTEGER}",
        "/staff/appointments?day=9999-12-31",
        "/staff/appointments?day=0001-01-01",
        "/staff/stats?from=0001-01-01",
        "/staff/stats?to=9999-12-31",
        "/staff/stats?from=9999-12-31&to=0001-01-01",
        "/staff/stats.csv?from=0001-01-01&to=0001-01-02",
        "/staff/stats.csv?to=9999-12-31",
    ],
)
def test_a_hostile_number_or_day_in_a_query_shows_the_page(
    client, svc, clock, create_case, create_counsellor, query
):
    a_console(client, svc, clock, create_case, create_counsellor)
    response = client.get(query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("number", ["²", "¹²", TWENTY_DIGITS, BEYOND_INTEGER, "-1"])
@pytest.mark.parametrize(
    "action,field", [("assign", "counsellor"), ("refer", "offer"), ("follow-up", "referral")]
)
def test_a_hostile_number_in_a_case_form_is_refused_with_a_message(
    client, svc, clock, create_case, create_counsellor, action, field, number
):
    console = a_console(client, svc, clock, create_case, create_counsellor)
    page = console["page"]
    response = post_form(client, page, f"{page}/{action}", {field: number, "outcome": "gut"})
    assert errors_shown(client, response)


@pytest.mark.parametrize("number", ["²", TWENTY_DIGITS, BEYOND_INTEGER])
def test_a_hostile_offer_id_is_refused(client, svc, clock, create_case, create_counsellor, number):
    a_console(client, svc, clock, create_case, create_counsellor)
    fields = {"id": number, "name": "BEISPIEL Neu", "region": "BY", "category": "legal"}
    response = post_form(client, "/staff/offers", "/staff/offers", fields)
    assert response.status_code in (302, 404)
    with svc.database.transaction() as session:
        assert "BEISPIEL Neu" not in set(session.scalars(select(SupportOffer.name)))


@pytest.mark.parametrize("number", [TWENTY_DIGITS, BEYOND_INTEGER])
@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/staff/admin/staff/{}/disable"),
        ("GET", "/staff/admin/counsellors/{}/availability"),
        ("POST", "/staff/admin/counsellors/{}/availability"),
        ("POST", "/staff/admin/counsellors/{}/duty"),
        ("POST", "/staff/callbacks/{}/call"),
        ("POST", "/staff/appointments/{}/call"),
    ],
)
def test_a_huge_id_in_a_console_path_is_not_found(
    client, svc, clock, create_case, create_counsellor, method, path, number
):
    a_console(client, svc, clock, create_case, create_counsellor)
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    response = client.open(path.format(number), method=method, data={"csrf_token": token})
    # no such page; 405 where a page of another method has the same shape (werkzeug's match)
    assert response.status_code in (404, 405)


def test_nul_bytes_in_free_text_are_refused_and_nothing_is_stored(
    client, svc, clock, create_case, create_counsellor
):
    console = a_console(client, svc, clock, create_case, create_counsellor)
    page = console["page"]
    availability = f"/staff/admin/counsellors/{console['counsellor']}/availability"
    posts = [
        (
            "/staff/offers",
            "/staff/offers",
            {"name": "Rat\x00", "region": "BY", "category": "legal"},
        ),
        (
            "/staff/admin/hours",
            "/staff/admin/hours",
            {"is_open": "0", "until": "2026-11-26T14:00", "note": "Team\x00sitzung"},
        ),
        (
            availability,
            availability,
            {"action": "absence", "first": "2026-12-21", "last": "2026-12-23", "note": "Url\x00"},
        ),
        (page, f"{page}/follow-up", {"referral": console["referral"], "outcome": "gut\x00"}),
        (page, f"{page}/describe", {"federal_state": "", "topic": "", "notes": "Notiz\x00"}),
    ]
    for form_page, action, fields in posts:
        response = post_form(client, form_page, action, fields)
        assert "Steuerzeichen" in errors_shown(client, response), action
    with svc.database.transaction() as session:
        assert session.scalars(select(SupportOffer.name)).all() == ["BEISPIEL Beratung"]
        assert session.scalars(select(HoursOverrideEntry)).all() == []
        assert session.scalars(select(CounsellorAbsence)).all() == []
        assert session.scalars(select(Referral.follow_up_done_at)).one() is None
        assert session.scalars(select(Case.notes_encrypted)).one() is None


def test_an_absence_ends_at_most_two_years_ahead(
    client, svc, clock, create_case, create_counsellor
):
    console = a_console(client, svc, clock, create_case, create_counsellor)
    page = f"/staff/admin/counsellors/{console['counsellor']}/availability"
    for last in ("9999-12-31", "2028-11-27"):  # today is 26.11.2026
        fields = {"action": "absence", "first": "2026-12-21", "last": last, "note": ""}
        shown = errors_shown(client, post_form(client, page, page, fields))
        assert "zwei Jahre" in shown and "26.11.2028" in shown
    fields = {"action": "absence", "first": "0001-01-01", "last": "2026-12-23", "note": ""}
    assert errors_shown(client, post_form(client, page, page, fields))
    fields = {"action": "absence", "first": "2028-11-20", "last": "2028-11-26", "note": ""}
    assert post_form(client, page, page, fields).status_code == 302
    with svc.database.transaction() as session:
        (absence,) = session.scalars(select(CounsellorAbsence)).all()
        assert absence.last_day.isoformat() == "2028-11-26"


def test_an_override_ends_at_most_a_year_ahead(client, svc, clock, create_case, create_counsellor):
    a_console(client, svc, clock, create_case, create_counsellor)
    for until in ("9999-12-31T10:00", "2027-11-27T10:00"):  # now: 26.11.2026, 10:00
        fields = {"is_open": "0", "until": until, "note": "Umzug"}
        shown = errors_shown(
            client, post_form(client, "/staff/admin/hours", "/staff/admin/hours", fields)
        )
        assert "ein Jahr" in shown and "26.11.2027" in shown
    for until in ("0001-01-01T10:00", "²026-12-01T10:00"):
        fields = {"is_open": "0", "until": until, "note": "Umzug"}
        assert errors_shown(
            client, post_form(client, "/staff/admin/hours", "/staff/admin/hours", fields)
        )
    fields = {"is_open": "0", "until": "2027-11-26T09:00", "note": "Umzug"}
    assert post_form(client, "/staff/admin/hours", "/staff/admin/hours", fields).status_code == 302
    with svc.database.transaction() as session:
        assert len(session.scalars(select(HoursOverrideEntry)).all()) == 1


@pytest.mark.parametrize("path", ["/staff/login", "/staff/logout", "/staff/duty"])
@pytest.mark.parametrize("body", ["[1]", '["ab", 2]', "[" * 5000 + "]" * 5000])
def test_a_json_body_to_a_console_form_is_refused(client, svc, clock, path, body):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    log_in(client, "chefin@example.org")
    response = client.post(path, data=body, content_type="application/json")
    assert 400 <= response.status_code < 500


# --- generated hostile values for every console route --------------------------------------
HOSTILE_VALUES = [
    "",
    "²",
    "¹²",
    "١٢",
    TWENTY_DIGITS,
    BEYOND_INTEGER,
    "-1",
    "0",
    "1",
    "\x00",
    "a\x00b",
    "\r\nX: 1",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-12-01",
    "2026-12-01T10:00",
    "x" * 5000,
    "mon=09:00-12:00",
    "absence",
    "clear",
    "none",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(["²", TWENTY_DIGITS, BEYOND_INTEGER, "0001-01-01", "9999-12-31", "\x00"]),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=string.digits + "-T:²", max_size=22),
)
ACTIONS = ["status", "assign", "describe", "refer", "follow-up", "merge", "disable", "enable"]
STAFF = ROOT / "web" / "staff"


def parameters_read(module: str) -> set[str]:
    """The names a console module's views read: what they take from `request.args` /
    `request.form`, and the fields of the forms in the templates they render."""
    source = (STAFF / f"{module}.py").read_text()
    names = set(re.findall(r'(?:args|form)(?:\.get\(|\[)"(\w+)"', source))
    for template in re.findall(r'render_template\(\s*"([^"]+)"', source):
        names |= set(re.findall(r'name="(\w+)"', (STAFF / "templates" / template).read_text()))
    return names - {"csrf_token"}


def console_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(method, rule, the parameters its module reads) of every console route but logging
    out."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or rule.endpoint in (
            "staff_login.logout",
            "staff.static",
        ):
            continue
        module = app.view_functions[rule.endpoint].__module__.rpartition(".")[2]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, sorted(parameters_read(module))))
    return sorted(found)


def test_the_console_routes_and_parameters_are_found(app):
    routes = console_routes(app)
    assert len(routes) > 25
    read = {name for _method, _rule, names in routes for name in names}
    assert {
        "page",
        "counsellor",
        "staff",
        "edit",
        "day",
        "from",
        "until",
        "note",
        "outcome",
    } <= read


console_requests = st.fixed_dictionaries(
    {
        "route": st.integers(min_value=0, max_value=10_000),  # taken modulo the routes
        "path_values": st.lists(
            # half of them a real value of the console (so the view is reached), half hostile
            st.one_of(st.just("real"), st.sampled_from(["1", *ACTIONS, "password"]), hostile_text),
            min_size=2,
            max_size=2,
        ),
        # most parameters of a request get the same hostile value, a few their own
        "value": hostile_text,
        "own": st.dictionaries(st.integers(min_value=0, max_value=40), hostile_text, max_size=4),
        "left_out": st.sets(st.integers(min_value=0, max_value=40), max_size=8),
    }
)


def _fill(rule: str, values: list[str], console: dict[str, str]) -> str:
    """The rule's variables filled in order: a real value of the console, or a hostile one."""
    filled = iter(values)

    def value(match: re.Match[str]) -> str:
        name, chosen = match.group(1), next(filled)
        if chosen == "real":
            chosen = {
                "reference": console["reference"],
                "action": "follow-up" if "cases" in rule else "enable",
                "counsellor_id": console["counsellor"],
            }.get(name, "1")
        return quote(chosen, safe="")

    return re.sub(r"<(?:[\w()=,]+:)?(\w+)>", value, rule)


def _parameters(names: list[str], wanted: dict) -> dict[str, str]:
    chosen = {}
    for index, name in enumerate(names):
        if index in wanted["left_out"]:
            continue
        if index in wanted["own"]:
            chosen[name] = wanted["own"][index]
        elif name != "q":  # a search answers before the list's filters are read
            chosen[name] = wanted["value"]
    return chosen


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(wanted=console_requests)
def test_no_hostile_value_on_a_console_route_gets_a_5xx(
    app, client, svc, clock, create_case, create_counsellor, wanted
):
    if not hasattr(app, "hostile_console"):
        app.config["STAFF_LOGIN_RATE"] = "10000 per minute"
        app.hostile_console = a_console(client, svc, clock, create_case, create_counsellor)
        app.hostile_routes = console_routes(app)
    if client.get("/staff/").status_code != 200:  # a hostile form set the own password
        with svc.database.transaction() as session:
            reset_password(find_account(session, "chefin@example.org"), PASSWORD, clock.now())
        assert log_in(client, "chefin@example.org").status_code == 302
    method, rule, names = app.hostile_routes[wanted["route"] % len(app.hostile_routes)]
    path = _fill(rule, wanted["path_values"], app.hostile_console)
    parameters = _parameters(names, wanted)
    if method == "GET":
        options: dict = {"query_string": parameters}
    else:
        token = csrf_token(client.get("/staff/").get_data(as_text=True))
        options = {"data": {**parameters, "csrf_token": token}}
    response = client.open(path, method=method, **options)
    assert response.status_code < 500, (method, path, response.get_data(as_text=True)[:300])
