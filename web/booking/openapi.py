"""The OpenAPI 3.1 description of `/api/v1` and of the manage URLs' JSON.

Its schemas are generated from the models that check the requests (`web.booking.schema`)
and describe the answers (`web.booking.answers`); its query and header parameters from the
fields of `SlotQuery` and `BookingHeaders`. What is written here by hand is only what no
model knows: the paths, their summaries, statuses and security notes. OpenAPI 3.1, because
its schemas are the JSON Schema that pydantic writes (`null` as a type, `const`).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, NoDefault

from hotline.texts import text
from web.booking.answers import ANSWERS, Appointment, Booking, Callback, Error, Slots
from web.booking.schema import BookingHeaders, BookingRequest, MoveRequest, SlotQuery

OPENAPI_VERSION = "3.1.0"
API_PREFIX = "/api/v1"
REF_TEMPLATE = "#/components/schemas/{model}"
REQUESTS: tuple[type[BaseModel], ...] = (BookingRequest, MoveRequest)


class _DocumentSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, less what only adds noise to the document: a title for every
    field (its name says it) and `"default": null` on optional fields (absent is enough)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def get_default_value(self, schema: Any) -> Any:
        default = super().get_default_value(schema)
        return NoDefault if default is None else default


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=_DocumentSchema)


@cache
def _components() -> dict[str, Any]:
    """Every model's schema, and the models they use (pydantic's `$defs`), side by side."""
    schemas: dict[str, Any] = {}
    for model in (*REQUESTS, *ANSWERS):
        schema = _schema(model)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def parameters(model: type[BaseModel], where: str) -> list[dict[str, Any]]:
    """A model's fields as OpenAPI parameters `in` a query or the headers."""
    schema = _schema(model)
    required = set(schema.get("required", ()))
    found = []
    for name, field in schema["properties"].items():
        field = dict(field)
        parameter: dict[str, Any] = {"name": name, "in": where}
        if "description" in field:
            parameter["description"] = field.pop("description")
        if name in required:
            parameter["required"] = True
        found.append({**parameter, "schema": field})
    return found


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _json(description: str, model: type[BaseModel]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _error(description: str) -> dict[str, Any]:
    return _json(description, Error)


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


def document(base_url: str) -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": text("public.api_title"),
            "version": "1",
            "description": (
                "Free slots and booking of video-call and phone appointments and callbacks "
                "with the "
                "starke Stelle hotline (0800 300 99 44). Times are ISO 8601 with an offset "
                "(Europe/Berlin). Booking is rate-limited per client."
            ),
        },
        "servers": [{"url": f"{base_url}{API_PREFIX}"}],
        "paths": {**_api_paths(), **_manage_paths(base_url)},
        "components": {"schemas": copy.deepcopy(_components())},
    }


def _api_paths() -> dict[str, Any]:
    """The paths under /api/v1 (the server's URL); tests/web/booking/test_openapi_document.py checks
    that every route there is one of them."""
    return {
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapiDocument",
                "responses": {
                    "200": {
                        "description": "The OpenAPI description of this API",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/slots": {
            "get": {
                "summary": "Free slots",
                "operationId": "listSlots",
                "parameters": parameters(SlotQuery, "query"),
                "responses": {
                    "200": _json("The free slots in time order", Slots),
                    "422": _error("A parameter is invalid; `fields` names it"),
                },
            }
        },
        "/appointments": {
            "post": {
                "summary": "Book a video-call appointment, a phone appointment or a callback",
                "operationId": "book",
                "parameters": parameters(BookingHeaders, "header"),
                "requestBody": _body(BookingRequest),
                "responses": {
                    "201": _json("Booked; `Location` is the manage URL", Booking),
                    "202": {
                        "description": (
                            "Held during a burst of bookings: booked once confirmed by the "
                            'link mailed to `email` (`{"held": true, "message": …}`)'
                        ),
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "409": _error(
                        "The slot is no longer free (slot_taken), it begins inside the "
                        "minimum notice (too_short_notice), the address or number has as many "
                        "open bookings as allowed (too_many_bookings), the number may not "
                        "book (booking_refused), or bookings are held and this one names no "
                        "e-mail address to confirm it by (bookings_held)"
                    ),
                    "422": _error("Fields are missing or invalid; `fields` names each"),
                    "429": _error("Too many bookings from this client (rate_limited)"),
                },
            }
        },
    }


_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The secret of the manage URL (from the booking's `manage_url`)",
}
_JSON_ONLY = {
    "name": "Accept",
    "in": "header",
    "schema": {"type": "string", "enum": ["application/json"]},
    "description": "Send it to get JSON rather than the HTML page",
}
_ASKED_FIRST = (
    "Cancels at once. A browser gets here through a question: GET on this URL is the HTML "
    "page that asks whether to cancel, whose form posts here with its CSRF token; GET with "
    "Accept: application/json answers 405."
)


def _manage_paths(base_url: str) -> dict[str, Any]:
    """The manage URL and its actions live outside /api/v1 (they are also the pages)."""
    servers = [{"url": base_url}]
    appointment = _json("The appointment", Appointment)
    callback = _json("The callback", Callback)
    return {
        "/rueckruf/{token}": {
            "servers": servers,
            "get": {
                "summary": "One callback booked online (HTML page, or JSON)",
                "operationId": "showCallback",
                "parameters": [_TOKEN, _JSON_ONLY],
                "responses": {"200": callback, "404": _error("No such callback")},
            },
        },
        "/rueckruf/{token}/cancel": {
            "servers": servers,
            "post": {
                "summary": "Cancel while it is booked (deletes the number, frees the place)",
                "description": _ASKED_FIRST,
                "operationId": "cancelCallback",
                "parameters": [_TOKEN, _JSON_ONLY],
                "responses": {
                    "200": callback,
                    "404": _error("No such callback"),
                    "409": _error("The callback is under way or over"),
                },
            },
        },
        "/termin/{token}": {
            "servers": servers,
            "get": {
                "summary": "One appointment (HTML page, or JSON with Accept: application/json)",
                "operationId": "showAppointment",
                "parameters": [_TOKEN, _JSON_ONLY],
                "responses": {"200": appointment, "404": _error("No such appointment")},
            },
        },
        "/termin/{token}/cancel": {
            "servers": servers,
            "post": {
                "summary": "Cancel (sends iCalendar CANCEL mails; frees the place)",
                "description": _ASKED_FIRST,
                "operationId": "cancelAppointment",
                "parameters": [_TOKEN, _JSON_ONLY],
                "responses": {
                    "200": appointment,
                    "404": _error("No such appointment"),
                    "409": _error("It begins inside the minimum notice (too_short_notice)"),
                },
            },
        },
        "/termin/{token}/move": {
            "servers": servers,
            "post": {
                "summary": "Move to another free slot (a REQUEST with a raised SEQUENCE)",
                "operationId": "moveAppointment",
                "parameters": [_TOKEN, _JSON_ONLY],
                "requestBody": _body(MoveRequest),
                "responses": {
                    "200": appointment,
                    "404": _error("No such appointment"),
                    "409": _error(
                        "The slot is not free (slot_taken), or the new or the booked time "
                        "lies inside the minimum notice (too_short_notice)"
                    ),
                    "422": _error("`start` is missing or not ISO 8601 with an offset"),
                },
            },
        },
        "/termin/{token}/termin.ics": {
            "servers": servers,
            "get": {
                "summary": "The calendar file (REQUEST, CANCEL once cancelled, PUBLISH "
                "when nobody has an address yet)",
                "operationId": "appointmentCalendar",
                "parameters": [_TOKEN],
                "responses": {
                    "200": {
                        "description": "iCalendar (RFC 5545/5546)",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    "404": _error("No such appointment"),
                },
            },
        },
    }
