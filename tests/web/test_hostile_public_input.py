"""Hostile values on the public pages and the JSON API, through HTTP on both databases: a
year 0001 or 9999, a JSON body nested 100,000 deep, a NUL byte, CR/LF in a redirect target.
Each is answered with a 4xx (or the page with a message), never a 5xx; then a property-based
test sends generated hostile values to every public route."""

from __future__ import annotations

import json
import re
import string
import time
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.staff.models import StaffRole
from tests.support.appointments import book, free_slots, local_path, raised_booking_limit
from tests.support.staff import PASSWORD, add_staff, csrf_token

hotline_config = raised_booking_limit

JSON = {"Accept": "application/json"}
FAR_YEARS = ["0001-01-01", "9999-12-31"]
FAR_STARTS = [
    "9999-12-31T10:00:00+01:00",
    "9999-12-31T23:30:00-01:00",
    "0001-01-01T00:30:00+01:00",
    "0001-01-01T10:00:00+00:00",
]


def deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("kind", ["video", "callback"])
@pytest.mark.parametrize("first_day", FAR_YEARS)
def test_slots_from_a_far_year_are_422_naming_from(client, create_counsellor, kind, first_day):
    create_counsellor("Anna")
    response = client.get("/api/v1/slots", query_string={"type": kind, "from": first_day})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert set(response.json["error"]["fields"]) == {"from"}


@pytest.mark.parametrize("kind", ["video", "callback"])
@pytest.mark.parametrize("start", FAR_STARTS)
def test_a_booking_in_a_far_year_is_422_naming_start(client, create_counsellor, kind, start):
    create_counsellor("Anna")
    body = {
        "type": kind,
        "start": start,
        "name": "Amsel",
        "email": "amsel@example.org",
        "phone": "0151 23456789",
        "consent": True,
    }
    response = client.post("/api/v1/appointments", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert set(response.json["error"]["fields"]) == {"start"}


@pytest.mark.parametrize("start", FAR_STARTS)
def test_the_booking_page_says_a_far_year_is_no_time(client, create_counsellor, start):
    create_counsellor("Anna")
    html = client.get("/termin").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "start": start,
        "name": "Ratsfrau K.",
        "email": "rat@example.org",
        "consent": "ja",
    }
    response = client.post("/termin", data=form)
    assert response.status_code == 422
    assert 'id="start-fehler"' in response.get_data(as_text=True)


@pytest.mark.parametrize("start", FAR_STARTS)
def test_moving_to_a_far_year_is_refused_by_form_and_json(client, create_counsellor, start):
    create_counsellor("Anna")
    booked = book(client, free_slots(client)[0]["start"])
    manage = local_path(booked.json["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    by_form = client.post(manage + "/move", data={"csrf_token": csrf_token(page), "start": start})
    assert by_form.status_code == 422
    assert 'id="start-fehler"' in by_form.get_data(as_text=True)
    by_json = client.post(manage + "/move", json={"start": start}, headers=JSON)
    assert by_json.status_code == 422
    assert set(by_json.json["error"]["fields"]) == {"start"}


def test_a_json_body_nested_100000_deep_is_invalid_json_quickly(client, create_counsellor):
    create_counsellor("Anna")
    body = deeply_nested(100_000)
    began = time.monotonic()
    response = client.post("/api/v1/appointments", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_json"
    wrapped = '{"start": ' + deeply_nested(100_000) + "}"
    response = client.post("/api/v1/appointments", data=wrapped, content_type="application/json")
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_json"
    assert time.monotonic() - began < 2


def test_a_deep_json_body_for_a_move_is_no_start(client, create_counsellor):
    create_counsellor("Anna")
    booked = book(client, free_slots(client)[0]["start"])
    manage = local_path(booked.json["manage_url"])
    response = client.post(
        manage + "/move",
        data='{"start": ' + deeply_nested(100_000) + "}",
        content_type="application/json",
        headers=JSON,
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"start"}


@pytest.mark.parametrize("field", ["name", "email", "phone", "case_reference"])
def test_half_a_surrogate_pair_in_json_is_422_naming_the_field(client, create_counsellor, field):
    create_counsellor("Anna")
    body = json.dumps(
        {
            "type": "video",
            "start": free_slots(client)[0]["start"],
            "name": "Amsel",
            "email": "amsel@example.org",
            "consent": True,
        }
        | {field: "A\ud800"}
    )
    response = client.post("/api/v1/appointments", data=body, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {field}


def test_brackets_inside_strings_do_not_count_as_nesting(client, create_counsellor):
    create_counsellor("Anna")
    start = free_slots(client)[0]["start"]
    response = book(client, start, name="[" * 40 + "{" * 39)
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    "target",
    ["/staff/\r\nX:1", "/staff/\nLocation: https://evil.example", "/staff/\x00", "/staff/\x7f"],
)
def test_a_next_with_control_characters_opens_the_console_start(client, svc, clock, target):
    add_staff(svc, clock, "chefin@example.org", StaffRole.ADMIN)
    page = client.get("/staff/login").get_data(as_text=True)
    response = client.post(
        "/staff/login?next=" + quote(target, safe=""),
        data={"csrf_token": csrf_token(page), "email": "chefin@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


# --- generated hostile values for every public route ---------------------------------------
HOSTILE_VALUES = [
    "",
    "²",
    "١٢",
    "12345678901234567890",
    "-1",
    "0",
    "2147483648",
    "\x00",
    "a\x00b",
    "\r\nX: 1",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:30:00-01:00",
    "0001-01-01T00:00:00+01:00",
    "2026-11-26T12:00:00+01:00",
    "2026-11-26",
    "x" * 5000,
    "1234 5678",
    "true",
    "video",
    "callback",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet=string.digits + "-T:+²", max_size=26),
)
json_leaf = st.one_of(
    hostile_text,
    st.just("\ud800"),  # half a surrogate pair: only a JSON escape can send one
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
)
json_value = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner)
)
FIELDS = [
    "type",
    "start",
    "name",
    "email",
    "phone",
    "consent",
    "case_reference",
    "csrf_token",
    "tag",
]
QUERY = ["type", "from", "days", "tag", "gebucht", "verlegt", "abgesagt", "email", "next"]


def public_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, rule) of every public route of people: the pages and the API."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/twilio/", "/staff/", "/static/")):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return sorted(found)


def test_the_public_routes_are_found(app):
    rules = {rule for _method, rule in public_routes(app)}
    assert {"/termin", "/termin/<token>/move", "/rueckruf/<token>/cancel"} <= rules
    assert {"/api/v1/slots", "/api/v1/appointments", "/kalender/<token>.ics"} <= rules
    assert {"/termin/<token>/cancel", "/datenschutz", "/barrierefreiheit", "/favicon.ico"} <= rules


public_requests = st.fixed_dictionaries(
    {
        "route": st.integers(min_value=0, max_value=10_000),  # taken modulo the routes
        "token": st.one_of(st.just("real"), hostile_text),
        "query": st.dictionaries(st.sampled_from(QUERY), hostile_text, max_size=3),
        "body": st.one_of(
            st.none(),
            st.dictionaries(st.sampled_from(FIELDS), hostile_text, max_size=6).map(
                lambda form: ("form", form)
            ),
            st.dictionaries(st.sampled_from(FIELDS), json_value, max_size=6).map(
                lambda body: ("json", body)
            ),
            st.integers(min_value=30, max_value=200_000).map(
                lambda depth: ("raw", deeply_nested(depth))
            ),
        ),
        "accept_json": st.booleans(),
        "real_csrf": st.booleans(),
    }
)


def _path(rule: str, token: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", lambda _m: quote(token, safe=""), rule)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(wanted=public_requests)
def test_no_hostile_value_on_a_public_route_gets_a_5xx(app, client, create_counsellor, wanted):
    if not hasattr(app, "hostile_tokens"):
        create_counsellor("Anna")
        app.hostile_routes = public_routes(app)
        video = book(client, free_slots(client)[0]["start"]).json
        callback = client.post(
            "/api/v1/appointments",
            json={
                "type": "callback",
                "start": "2026-11-26T13:15:00+01:00",
                "name": "Amsel",
                "phone": "0151 23456789",
                "consent": True,
            },
        ).json
        app.hostile_tokens = {
            "/termin": local_path(video["manage_url"]).rsplit("/", 1)[1],
            "/rueckruf": local_path(callback["manage_url"]).rsplit("/", 1)[1],
        }
        app.hostile_csrf = csrf_token(client.get("/termin").get_data(as_text=True))
    method, rule = app.hostile_routes[wanted["route"] % len(app.hostile_routes)]
    token = wanted["token"]
    if token == "real":
        token = next((t for p, t in app.hostile_tokens.items() if rule.startswith(p)), "x")
    path = _path(rule, token)
    headers = JSON if wanted["accept_json"] else {}
    options: dict = {"query_string": wanted["query"], "headers": headers}
    if method == "POST" and wanted["body"] is not None:
        kind, body = wanted["body"]
        if kind == "form":
            if wanted["real_csrf"]:
                body = {**body, "csrf_token": app.hostile_csrf}
            options["data"] = body
        elif kind == "json":
            options["data"] = json.dumps(body, allow_nan=True)
            options["content_type"] = "application/json"
        else:
            options["data"] = body
            options["content_type"] = "application/json"
    response = client.open(path, method=method, **options)
    assert response.status_code < 500, (method, path, response.get_data(as_text=True)[:300])
