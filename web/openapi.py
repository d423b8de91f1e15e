"""The OpenAPI 3 description of `/api/v1`: every field, status and error."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "invalid_input",
                        "invalid_json",
                        "slot_taken",
                        "not_found",
                        "rate_limited",
                        "method_not_allowed",
                        "unavailable",
                        "callback_under_way",
                    ],
                    "description": "What went wrong, for programs (stable)",
                },
                "message": {
                    "type": "string",
                    "description": "The same for people, in German (wording may change)",
                },
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": (
                        "One German message per bad field, keyed by the field's name (programs "
                        "read the keys)"
                    ),
                },
            },
        }
    },
}
_TIME = {"type": "string", "format": "date-time", "example": "2026-12-01T10:00:00+01:00"}
_KIND = {"type": "string", "enum": ["video", "callback"]}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document(base_url: str) -> dict[str, Any]:
    spec = _api(base_url)
    spec["paths"].update(_manage_paths(base_url))
    return spec


_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The secret of the manage URL (from the booking's `manage_url`)",
}
_ASKED_FIRST = (
    "Cancels at once. A browser gets here through a question: GET on this URL is the HTML "
    'page that asks ("Termin absagen?"), whose form posts here with its CSRF token; GET '
    "with Accept: application/json answers 405."
)
_JSON_ONLY = {
    "name": "Accept",
    "in": "header",
    "schema": {"type": "string", "enum": ["application/json"]},
    "description": "Send it to get JSON rather than the HTML page",
}


def _manage_paths(base_url: str) -> dict[str, Any]:
    """The manage URL and its actions live outside /api/v1 (they are also the pages)."""
    servers = [{"url": base_url}]
    appointment = {
        "description": "The appointment",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Appointment"}}},
    }
    callback = {
        "description": "The callback",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Callback"}}},
    }
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
                "responses": {"200": appointment, "404": _error("No such appointment")},
            },
        },
        "/termin/{token}/move": {
            "servers": servers,
            "post": {
                "summary": "Move to another free slot (a REQUEST with a raised SEQUENCE)",
                "operationId": "moveAppointment",
                "parameters": [_TOKEN, _JSON_ONLY],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["start"],
                                "properties": {"start": _TIME},
                            }
                        }
                    },
                },
                "responses": {
                    "200": appointment,
                    "404": _error("No such appointment"),
                    "409": _error("The slot is not free"),
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


def _api(base_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "starke Stelle – Termine",
            "version": "1",
            "description": (
                "Free slots and booking of video-call appointments and callbacks with the "
                "starke Stelle hotline (0800 300 99 44). Times are ISO 8601 with an offset "
                "(Europe/Berlin). Booking is rate-limited per client."
            ),
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "paths": {
            "/slots": {
                "get": {
                    "summary": "Free slots",
                    "operationId": "listSlots",
                    "parameters": [
                        {
                            "name": "type",
                            "in": "query",
                            "schema": {**_KIND, "default": "video"},
                            "description": "video (45-minute appointments) or callback",
                        },
                        {
                            "name": "from",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                            "description": "First local day (YYYY-MM-DD); default today",
                        },
                        {
                            "name": "days",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 42},
                            "description": "Number of days; default 7",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The free slots in time order",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Slots"}
                                }
                            },
                        },
                        "422": _error("A parameter is invalid; `fields` names it"),
                    },
                }
            },
            "/appointments": {
                "post": {
                    "summary": "Book a video-call appointment or a callback",
                    "operationId": "book",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "schema": {"type": "string", "maxLength": 200},
                            "description": (
                                "Any unique text per booking (e.g. a UUID): repeating the "
                                "same request with it from the same client answers with the "
                                "first booking (header Idempotent-Replayed: true) instead of "
                                "booking again; the same key with another body is a 422 that "
                                "tells nothing of the first booking"
                            ),
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/BookingRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Booked; `Location` is the manage URL",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Booking"}
                                }
                            },
                        },
                        "409": _error("The slot is no longer free (code slot_taken)"),
                        "422": _error("Fields are missing or invalid; `fields` names each"),
                        "429": _error("Too many bookings from this client (rate_limited)"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": _ERROR,
                "Slot": {
                    "type": "object",
                    "required": ["start", "end", "type"],
                    "properties": {"start": _TIME, "end": _TIME, "type": _KIND},
                },
                "Slots": {
                    "type": "object",
                    "required": ["slots"],
                    "properties": {
                        "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}
                    },
                },
                "BookingRequest": {
                    "type": "object",
                    "required": ["type", "start", "name", "consent"],
                    "properties": {
                        "type": _KIND,
                        "start": {**_TIME, "description": "The start of a free slot"},
                        "name": {
                            "type": "string",
                            "maxLength": 80,
                            "description": "A name; a first name or a pseudonym is fine",
                        },
                        "email": {
                            "type": "string",
                            "format": "email",
                            "description": "Required for video: the link and invitation go here",
                        },
                        "phone": {
                            "type": "string",
                            "description": (
                                "Required for callback; optional for video (a mobile number "
                                "gets reminders by SMS). German numbers with 0 or +49"
                            ),
                        },
                        "consent": {
                            "type": "boolean",
                            "enum": [True],
                            "description": "The privacy notice was read and accepted",
                        },
                        "case_reference": {
                            "type": "string",
                            "pattern": "^[0-9]{4}[ -]?[0-9]{4}$",
                            "description": "An existing case (8 digits with check digit)",
                        },
                    },
                },
                "Appointment": {
                    "type": "object",
                    "required": ["type", "state", "case_reference", "start", "end"],
                    "properties": {
                        "type": {"type": "string", "enum": ["video"]},
                        "state": {"type": "string", "enum": ["booked", "canceled"]},
                        "case_reference": {"type": "string"},
                        "start": _TIME,
                        "end": _TIME,
                        "manage_url": {"type": "string", "format": "uri"},
                        "ics_url": {"type": "string", "format": "uri"},
                        "video_url": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
                "Callback": {
                    "type": "object",
                    "required": ["type", "state", "case_reference", "start", "end"],
                    "properties": {
                        "type": {"type": "string", "enum": ["callback"]},
                        "state": {
                            "type": "string",
                            "enum": ["booked", "calling", "done", "failed", "canceled"],
                        },
                        "case_reference": {"type": "string"},
                        "start": {**_TIME, "nullable": True},
                        "end": {**_TIME, "nullable": True},
                        "manage_url": {"type": "string", "format": "uri"},
                        "ics_url": {"type": "string", "nullable": True},
                    },
                },
                "Booking": {
                    "type": "object",
                    "required": ["case_reference", "start", "end", "type"],
                    "properties": {
                        "case_reference": {"type": "string", "example": "12345678"},
                        "start": _TIME,
                        "end": _TIME,
                        "type": _KIND,
                        "manage_url": {
                            "type": "string",
                            "format": "uri",
                            "description": (
                                "View (HTML, or JSON with Accept: application/json), "
                                "POST …/cancel to cancel (a callback only until it is under "
                                "way). Keep it secret."
                            ),
                        },
                        "ics_url": {
                            "type": "string",
                            "format": "uri",
                            "nullable": True,
                            "description": "The calendar file (null for callbacks)",
                        },
                        "video_url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The video room (video only)",
                        },
                    },
                },
            }
        },
    }
