"""The JSON API: free slots and booking (`/api/v1/...`), as the contract fixes it.

Errors are `{"error": {"code", "message", "fields"}}`; bad input of any shape is a 422 naming
each field, never a 500; a slot someone else took is a 409.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from hotline.abuse.bookings import BookingRefused
from hotline.appointments.models import AppointmentKind, BookedVia
from hotline.callbacks.links import manage_url
from hotline.cases.service import UnknownCaseReference
from hotline.crypto import keyed_digest
from hotline.plurals import counted
from hotline.services import services
from scheduling.appointments.desk import (
    BookedAppointment,
    KeyUsedForAnotherRequest,
    RepeatableRequest,
    SlotTaken,
    TooShortNotice,
)
from web.booking import openapi
from web.booking.desks import appointment_desk, callback_desk
from web.booking.holding import (
    bookings_held_message,
    held_message,
    held_now,
    keep_for_confirmation,
)
from web.booking.input import (
    InvalidInput,
    contact_of,
    read_booking,
    read_idempotency_key,
    read_slot_query,
)
from web.booking.schema import IDEMPOTENCY_HEADER, BookingRequest
from web.context import scheduling
from web.page_language import page_texts
from web.security import booking_limit, csrf
from web.texts import ERRORS, FIELD_ERRORS

log = logging.getLogger(__name__)
APPOINTMENT_KINDS = tuple(kind.value for kind in AppointmentKind)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, code: str, fields: dict[str, str] | None = None) -> ResponseReturnValue:
    body = {"error": {"code": code, "message": message(code), "fields": fields or {}}}
    return jsonify(body), status


def message(code: str, lang: str = "de") -> str:
    """The message of an error code, with what it names filled in: German, as the API
    answers, or in the language of an appointment's page."""
    errors = page_texts(lang, "errors")  # ERRORS in German
    if code == "too_short_notice":
        minutes = scheduling().appointments.min_notice_minutes
        in_hours = minutes % 60 == 0
        if lang == "de":
            notice = counted(minutes // 60, "Stunde") if in_hours else counted(minutes, "Minute")
        else:
            count, unit = (minutes // 60, "hour") if in_hours else (minutes, "minute")
            unit = unit if count == 1 else unit + "s"
            notice = page_texts(lang, "notice")[unit].format(count=count)
        return errors[code].format(notice=notice, email=services().settings.contact_email)
    if code == "bookings_held":
        return bookings_held_message()
    if code in REFUSED_BOOKINGS.values():
        return ERRORS[code].format(
            count=scheduling().abuse.open_bookings_per_address,
            email=services().settings.contact_email,
        )
    return errors[code]


# why `hotline.abuse.bookings` refused a booking → the error code (409)
REFUSED_BOOKINGS = {"too_many": "too_many_bookings", "blocked": "booking_refused"}


@blueprint.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return jsonify(openapi.document(services().settings.public_base_url))


@blueprint.get("/slots")
def slots() -> ResponseReturnValue:
    svc = services()
    tz = scheduling().hours.timezone
    try:
        query = read_slot_query(request.args)
    except InvalidInput as bad:
        return error(422, "invalid_input", bad.fields)
    kind, days = query.type, query.days
    first_day = query.first_day or svc.clock.now().astimezone(tz).date()
    with svc.database.transaction() as session:
        if kind in APPOINTMENT_KINDS:  # video and phone take the same slots
            found = [
                (slot.start, slot.end)
                for slot in appointment_desk(session).free_slots(first_day, days)
            ]
        else:
            desk = callback_desk(session)
            last_day = first_day + timedelta(days=days - 1)
            found = [
                (slot.start, slot.end)
                for slot in desk.slot_finder().free_between(desk.now, first_day, last_day)
            ]
    return jsonify(
        slots=[
            {
                "start": start.astimezone(tz).isoformat(),
                "end": end.astimezone(tz).isoformat(),
                "type": kind,
            }
            for start, end in found
        ]
    )


@blueprint.post("/appointments")
@booking_limit()
def book() -> ResponseReturnValue:
    values = request.get_json(silent=True)
    if not isinstance(values, dict):
        return error(422, "invalid_json")
    try:
        wish = read_booking(values, hotline_number=services().settings.hotline_number)
    except InvalidInput as bad:
        return error(422, "invalid_input", bad.fields)
    with services().database.transaction() as session:
        if held_now(session):  # a burst: confirmation by e-mail link first
            if keep_for_confirmation(session, wish, BookedVia.API):
                return jsonify(held=True, message=held_message()), 202
            return error(409, "bookings_held")
    if wish.type == "callback":
        return _book_callback(wish)
    try:
        key = read_idempotency_key(request.headers)
    except InvalidInput as bad:
        return error(422, "invalid_input", bad.fields)
    contact = contact_of(wish)
    try:
        with services().database.transaction() as session:
            booked = appointment_desk(session).book(
                wish.start,
                contact,
                via=BookedVia.API,
                case_reference=wish.case_reference,
                request=_repeatable(key, values) if key else None,
                kind=AppointmentKind(wish.type),
            )
    except TooShortNotice:
        return error(409, "too_short_notice")
    except SlotTaken:
        return error(409, "slot_taken")
    except BookingRefused as refused:
        return error(409, REFUSED_BOOKINGS[refused.why])
    except UnknownCaseReference:
        return error(
            422, "invalid_input", {"case_reference": FIELD_ERRORS["case_reference.unknown"]}
        )
    except KeyUsedForAnotherRequest:
        return error(422, "invalid_input", {IDEMPOTENCY_HEADER: FIELD_ERRORS["key.reused"]})
    response = jsonify(booked_json(booked))
    response.status_code = 201
    response.headers["Location"] = booked.manage_url
    if booked.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _repeatable(key: str, values: dict[str, Any]) -> RepeatableRequest:
    """The Idempotency-Key as the desk keeps it: scoped to this client (its address, as the
    rate limit sees it) and bound to this body, both as keyed digests."""
    secret = services().settings.secret_key
    client = get_remote_address() or ""
    body = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return RepeatableRequest(
        key=keyed_digest(secret, "appointment request", client, key),
        body=keyed_digest(secret, "appointment request body", body),
    )


def _book_callback(wish: BookingRequest) -> ResponseReturnValue:
    """A callback booked on the web: the number kept encrypted, a place in the slot taken
    like a caller's (a seat unique per slot); it is placed at its time like any other."""
    assert wish.phone is not None  # read_booking requires it for callbacks
    try:
        with services().database.transaction() as session:
            desk = callback_desk(session)
            booked = desk.book_for(wish.phone, wish.start, wish.case_reference)
    except TooShortNotice:
        return error(409, "too_short_notice")
    except SlotTaken:
        return error(409, "slot_taken")
    except BookingRefused as refused:
        return error(409, REFUSED_BOOKINGS[refused.why])
    except UnknownCaseReference:
        return error(
            422, "invalid_input", {"case_reference": FIELD_ERRORS["case_reference.unknown"]}
        )
    tz = scheduling().hours.timezone
    link = manage_url(services().settings.public_base_url, booked.token)
    body = {
        "case_reference": booked.case_reference,
        "start": booked.start.astimezone(tz).isoformat(),
        "end": booked.end.astimezone(tz).isoformat(),
        "type": "callback",
        "manage_url": link,
        "ics_url": None,
    }
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = link
    return response


def booked_json(booked: BookedAppointment) -> dict[str, object]:
    tz = scheduling().hours.timezone
    body: dict[str, object] = {
        "case_reference": booked.case_reference,
        "start": booked.start.astimezone(tz).isoformat(),
        "end": booked.end.astimezone(tz).isoformat(),
        "type": booked.kind.value,
        "manage_url": booked.manage_url,
        "ics_url": booked.ics_url,
    }
    if booked.video_url is not None:
        body["video_url"] = booked.video_url
    return body


def _api_errors(failure: HTTPException) -> ResponseReturnValue:
    if not request.path.startswith("/api/"):
        return failure
    status = failure.code or 500
    code = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}.get(status)
    if code is not None:
        return error(status, code)
    if status < 500:  # a body too large, a broken request: bad input
        return error(422, "invalid_json")
    return error(503, "unavailable")


def init_app(app: Flask) -> None:
    csrf.exempt(blueprint)  # JSON from integrations: no cookie, no cross-site form post
    app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _api_errors)
