"""The OpenAPI document and the API cannot drift apart: every route under /api/ is in it, its
schemas are the models that check the requests, and real answers match what it says."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from jsonschema import Draft202012Validator

from tests.support.appointments import (
    book,
    booking,
    free_slots,
    local_path,
    raised_booking_limit,
)
from web.booking.schema import (
    MOST_DAYS,
    NAME_LIMIT,
    BookingRequest,
    EmailRequest,
    MoveRequest,
    SlotQuery,
)
from web.texts import FIELD_ERRORS

hotline_config = raised_booking_limit
JSON = {"Accept": "application/json"}
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}  # Flask answers them for every route


def test_every_api_route_is_in_the_document_with_its_methods(app, client):
    document = client.get("/api/v1/openapi.json").json
    prefix = urlparse(document["servers"][0]["url"]).path
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert api_rules  # the check below checks something
    for rule in api_rules:
        assert rule.rule.startswith(prefix), rule.rule
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        assert path in document["paths"], f"{rule.rule} is not in the OpenAPI document"
        methods = {method.lower() for method in rule.methods - IMPLICIT_METHODS}
        assert methods <= set(document["paths"][path]), f"{rule.rule}: {methods}"


def test_the_document_takes_its_schemas_and_parameters_from_the_models(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert schemas["BookingRequest"]["properties"]["name"]["maxLength"] == NAME_LIMIT
    assert set(schemas["BookingRequest"]["properties"]) == set(BookingRequest.model_fields)
    assert set(schemas["MoveRequest"]["properties"]) == set(MoveRequest.model_fields)
    parameters = {p["name"]: p for p in document["paths"]["/slots"]["get"]["parameters"]}
    assert {p["in"] for p in parameters.values()} == {"query"}
    assert set(parameters) == {
        field.alias or name for name, field in SlotQuery.model_fields.items()
    }
    assert parameters["days"]["schema"]["maximum"] == MOST_DAYS
    (key,) = document["paths"]["/appointments"]["post"]["parameters"]
    assert key["name"] == "Idempotency-Key" and key["in"] == "header"


@pytest.mark.parametrize("model", [BookingRequest, MoveRequest, EmailRequest, SlotQuery])
def test_every_field_that_can_be_missing_has_a_german_text_for_it(model):
    for name, field in model.model_fields.items():
        if field.is_required():
            assert f"{field.alias or name}.missing" in FIELD_ERRORS


def conforms(document: dict[str, Any], body: Any, schema: str) -> None:
    """`body` is what the document's schema `schema` says, and has no field it leaves out."""
    root = {**document, "$ref": f"#/components/schemas/{schema}"}
    errors = [error.message for error in Draft202012Validator(root).iter_errors(body)]
    assert errors == [], (schema, body)
    properties = document["components"]["schemas"][schema]["properties"]
    assert set(body) <= set(properties), (schema, set(body) - set(properties))


def test_real_answers_are_what_the_document_says(client, create_counsellor):
    create_counsellor("Anna")
    create_counsellor("Ben")
    document = client.get("/api/v1/openapi.json").json
    slots = client.get("/api/v1/slots", query_string={"days": 2})
    conforms(document, slots.json, "Slots")
    start = slots.json["slots"][0]["start"]
    video = book(client, start)
    assert video.status_code == 201
    conforms(document, video.json, "Booking")
    shown = client.get(local_path(video.json["manage_url"]), headers=JSON)
    conforms(document, shown.json, "Appointment")
    cancelled = client.post(local_path(video.json["manage_url"]) + "/cancel", headers=JSON)
    conforms(document, cancelled.json, "Appointment")
    phone_slots = client.get("/api/v1/slots", query_string={"type": "phone", "days": 2})
    conforms(document, phone_slots.json, "Slots")
    phone = book(client, phone_slots.json["slots"][0]["start"], type="phone", phone="0151 23456789")
    assert phone.status_code == 201, phone.json
    conforms(document, phone.json, "Booking")
    shown = client.get(local_path(phone.json["manage_url"]), headers=JSON)
    assert shown.json["type"] == "phone" and shown.json["video_url"] is None
    assert shown.json["phone"].startswith("+49151") and "23456789" not in shown.json["phone"]
    conforms(document, shown.json, "Appointment")
    cancelled = client.post(local_path(phone.json["manage_url"]) + "/cancel", headers=JSON)
    assert cancelled.json["phone"] is None
    conforms(document, cancelled.json, "Appointment")
    callback_start = free_slots(client, type="callback", days=1)[0]["start"]
    callback = client.post(
        "/api/v1/appointments",
        json=booking(callback_start, type="callback", email=None, phone="0151 23456789"),
    )
    assert callback.status_code == 201, callback.json
    conforms(document, callback.json, "Booking")
    shown = client.get(local_path(callback.json["manage_url"]), headers=JSON)
    conforms(document, shown.json, "Callback")
    for failed in (
        client.post("/api/v1/appointments", json={}),
        client.get("/api/v1/slots?days=0"),
        client.post("/api/v1/appointments", data="[", content_type="application/json"),
        client.get("/termin/" + "x" * 43, headers=JSON),
    ):
        conforms(document, failed.json, "Error")
