"""Reading a booking from the API's JSON or the page's form by the one schema
(`web.booking.schema`): every bad field named at once, as `InvalidInput`, never an exception
escaping as a 500. What is left here is only the edge: a form's checkbox read as true or
false, and pydantic's errors turned into the field messages the API and the pages show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from scheduling.appointments.desk import Contact
from web.booking.schema import (
    HOTLINE_NUMBER,
    IDEMPOTENCY_HEADER,
    BookingHeaders,
    BookingRequest,
    EmailRequest,
    MoveRequest,
    SlotQuery,
)
from web.texts import FIELD_ERRORS

TRUE_WORDS = ("true", "on", "ja", "yes", "1")  # what a checkbox's value may be
Model = TypeVar("Model", bound=BaseModel)


class InvalidInput(ValueError):
    """What did not take, by field: the German message (`fields`, as the API answers) and
    its code, the key of FIELD_ERRORS (`codes`, for a page in another language)."""

    def __init__(self, fields: Mapping[str, str], codes: Mapping[str, str] | None = None) -> None:
        super().__init__(", ".join(fields))
        self.fields = dict(fields)
        self.codes = dict(codes or {})


def read_booking(
    values: Mapping[str, Any], *, hotline_number: str, from_form: bool = False
) -> BookingRequest:
    """`hotline_number`: the hotline's own number, which is never a number to call back."""
    if from_form:
        values = {**values, "consent": _checked(values.get("consent"))}
    return _read(BookingRequest, values, context={HOTLINE_NUMBER: hotline_number})


def read_start(value: Any, field: str = "start") -> datetime:
    try:
        return _read(MoveRequest, {"start": value}).start
    except InvalidInput as bad:
        raise InvalidInput({field: bad.fields["start"]}, {field: bad.codes["start"]}) from None


def read_email(value: Any) -> str:
    email = _read(EmailRequest, {"email": value}).email
    assert email is not None  # EmailRequest requires it
    return email


def read_slot_query(args: Mapping[str, Any]) -> SlotQuery:
    """The query's first value of each parameter (as `request.args[name]` reads it); `from`
    is None when the query names no day: the caller knows today's date."""
    names = [field.alias or name for name, field in SlotQuery.model_fields.items()]
    return _read(SlotQuery, {name: args[name] for name in names if name in args})


def read_idempotency_key(headers: Mapping[str, Any]) -> str:
    """The header's key without blanks around it, "" when there is none."""
    return _read(
        BookingHeaders, {IDEMPOTENCY_HEADER: headers.get(IDEMPOTENCY_HEADER)}
    ).idempotency_key


def contact_of(wish: BookingRequest) -> Contact:
    """Who booked, as the desk keeps it."""
    return Contact(
        name=wish.name,
        email=wish.email,
        phone_e164=wish.phone.e164 if wish.phone else None,
        phone_is_mobile=bool(wish.phone and wish.phone.is_mobile),
    )


def field_errors(error: ValidationError) -> InvalidInput:
    """One message per field: the schema's own (its error types are FIELD_ERRORS' keys), or,
    for a required field that is not there at all, the field's "missing" text."""
    fields: dict[str, str] = {}
    codes: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0])
        if problem["type"] in FIELD_ERRORS:
            code, message = problem["type"], problem["msg"]
        elif problem["type"] == "missing":  # a required field that is not there at all
            code = f"{field}.missing"
            message = FIELD_ERRORS[code]
        else:  # pydantic's own (every field has its own validator: not expected)
            code = f"{field}.invalid"
            message = FIELD_ERRORS[code]
        fields.setdefault(field, message)
        codes.setdefault(field, code)
    return InvalidInput(fields, codes)


def _read(model: type[Model], values: Mapping[str, Any], **options: Any) -> Model:
    try:
        return model.model_validate(dict(values), **options)
    except ValidationError as error:
        raise field_errors(error) from None


def _checked(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in TRUE_WORDS
