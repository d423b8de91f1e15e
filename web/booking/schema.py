"""The booking contract, once: what a request to book, move or list slots may carry.

These models are both the rules that requests are checked by (the JSON API, and the booking
page's form through `web.booking.input`) and the source of the OpenAPI document
(`web.booking.openapi`), so the two cannot drift apart. Every field is read by a plain validator
that accepts any value from outside and hands it to the bounded parsers of
`hotline.inputs`, the phone menu's number policy and the one e-mail rule: pydantic's own
coercions (`"yes"` as True, `1.0` as 1) never apply, and a value of any shape becomes a
named field error, never an exception. The error types are the keys of
`web.texts.FIELD_ERRORS`, whose German sentences are the errors' messages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.inputs import Refused, aware_moment, bounded_integer, calendar_day, checked_text
from hotline.mail.addresses import checked_address
from hotline.telephony.phone_numbers import CallbackNumber, NumberRefused, callback_number
from web.texts import FIELD_ERRORS

KINDS = ("video", "phone", "callback")
NAME_LIMIT = 80
PHONE_LIMIT = 40  # longer than any number typed with blanks; the number parser never sees more
CASE_REFERENCE_READ = 20  # "1234 5678" with blanks to spare; the rest is never looked at
KEY_LIMIT = 200
DEFAULT_DAYS = 7
MOST_DAYS = 42
MOMENT_EXAMPLE = "2026-12-01T10:00:00+01:00"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# the context `BookingRequest` is validated with: the hotline's own number, never one to call
HOTLINE_NUMBER = "hotline_number"


def refused(key: str, **context: Any) -> PydanticCustomError:
    """A field error whose type is its key in FIELD_ERRORS and whose message is that text."""
    return PydanticCustomError(key, FIELD_ERRORS[key], context or None)


def _text(value: object) -> str:
    """Text as the forms and the API send it; anything that is not a string counts as none."""
    return value.strip() if isinstance(value, str) else ""


def _kind(value: object) -> str:
    if isinstance(value, str) and value in KINDS:
        return value
    raise refused("type.invalid")


def _start(value: object) -> datetime:
    if value is None or value == "":
        raise refused("start.missing")
    try:
        return aware_moment(value)
    except Refused:
        raise refused("start.invalid") from None


def _name(value: object) -> str:
    name = _text(value)
    if not name:
        raise refused("name.missing")
    try:
        plain = checked_text(name)  # one line, storable as UTF-8
    except Refused:
        raise refused("name.invalid") from None
    if len(plain) > NAME_LIMIT:
        raise refused("name.invalid")
    return plain


def _email(value: object) -> str | None:
    """The address as we keep and send it (`checked_address`, one rule for all); None when
    there is none (whether one is needed is the model's rule)."""
    text = _text(value)
    if not text:
        return None
    try:
        return checked_address(text)
    except ValueError:
        raise refused("email.invalid") from None


def _phone(value: object, info: ValidationInfo) -> CallbackNumber | None:
    """The phone menu's policy (`callback_number`), its reason told in the field's error."""
    text = _text(value)
    if not text:
        return None
    if len(text) > PHONE_LIMIT:
        raise refused("phone.invalid")
    context = info.context or {}
    try:
        return callback_number(text, hotline_number=context[HOTLINE_NUMBER])
    except NumberRefused as refusal:
        raise refused(f"phone.{refusal.reason}") from None


def _consent(value: object) -> bool:
    """Only JSON's true: not "yes", not 1 (a form's checkbox is read as true or false first)."""
    if value is True:
        return True
    raise refused("consent.missing")


def _case_reference(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return normalise_case_reference(text[:CASE_REFERENCE_READ])
    except InvalidCaseReference:
        raise refused("case_reference.invalid") from None


def _day(value: object) -> date | None:
    if value is None or value == "":
        return None  # the caller's default: today where the hotline is
    try:
        return calendar_day(value)
    except Refused:
        raise refused("from.invalid") from None


def _days(value: object) -> int:
    if value is None or value == "":
        return DEFAULT_DAYS
    try:
        return bounded_integer(value, least=1, most=MOST_DAYS)
    except Refused:
        raise refused("days.invalid", most=MOST_DAYS) from None


def _key(value: object) -> str:
    key = _text(value)
    if len(key) > KEY_LIMIT:
        raise refused("key.invalid")
    return key


# `json_schema_input_type` is what the document says a client sends; the validator decides.
Kind = Annotated[
    str, PlainValidator(_kind, json_schema_input_type=Literal["video", "phone", "callback"])
]
Start = Annotated[
    datetime,
    PlainValidator(_start, json_schema_input_type=datetime),
    Field(examples=[MOMENT_EXAMPLE]),
]
MailAddress = Annotated[str | None, PlainValidator(_email, json_schema_input_type=str)]


# A model's docstring is its description in the OpenAPI document: written for its clients.
class BookingRequest(BaseModel):
    """A video-call appointment, a phone appointment or a callback to book."""

    model_config = ConfigDict(frozen=True)

    type: Kind = Field(default="video", description="What to book")
    start: Start = Field(description="The start of a free slot")
    name: Annotated[str, PlainValidator(_name, json_schema_input_type=str)] = Field(
        description="A name; a first name or a pseudonym is fine",
        json_schema_extra={"maxLength": NAME_LIMIT},
    )
    email: MailAddress = Field(
        default=None,
        validate_default=True,
        description=(
            "Required for video: the link and invitation go here; optional for phone (the "
            "invitation goes here)"
        ),
        json_schema_extra={"format": "email"},
    )
    phone: Annotated[CallbackNumber | None, PlainValidator(_phone, json_schema_input_type=str)] = (
        Field(
            default=None,
            validate_default=True,
            description=(
                "Required for phone and callback: the number we call; optional for video (a "
                "mobile number gets reminders by SMS). German numbers with 0 or +49, other "
                "countries with 00"
            ),
            json_schema_extra={"maxLength": PHONE_LIMIT},
        )
    )
    consent: Annotated[bool, PlainValidator(_consent, json_schema_input_type=Literal[True])] = (
        Field(description="The privacy notice was read and accepted")
    )
    case_reference: Annotated[
        str | None, PlainValidator(_case_reference, json_schema_input_type=str)
    ] = Field(
        default=None,
        description="An existing case (8 digits with check digit)",
        json_schema_extra={"pattern": "^[0-9]{4}[ -]?[0-9]{4}$"},
    )

    @field_validator("email", "phone", mode="after")
    @classmethod
    def _needed_for_its_kind(cls, value: object, info: ValidationInfo) -> object:
        """A video appointment needs an address for its link, a phone appointment and a
        callback a number to call. A `type` that was refused is not in `info.data`: then
        neither is asked for."""
        needed_for = {"email": ("video",), "phone": ("phone", "callback")}[info.field_name or ""]
        if value is None and info.data.get("type") in needed_for:
            raise refused(f"{info.field_name}.missing")
        return value


class MoveRequest(BaseModel):
    """A new time for a booked appointment."""

    model_config = ConfigDict(frozen=True)

    start: Start = Field(description="The start of a free slot")


class EmailRequest(BaseModel):
    """The manage page's form that adds an address to an appointment booked by phone."""

    model_config = ConfigDict(frozen=True)

    email: MailAddress = Field(default=None, validate_default=True)

    @field_validator("email", mode="after")
    @classmethod
    def _needed(cls, value: str | None) -> str:
        if value is None:
            raise refused("email.missing")
        return value


class SlotQuery(BaseModel):
    """The query of `GET /api/v1/slots` (its parameters in the document)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    type: Kind = Field(
        default="video",
        description=(
            "video or phone (45-minute appointments, the same slots for both) or callback"
        ),
    )
    first_day: Annotated[date | None, PlainValidator(_day, json_schema_input_type=date)] = Field(
        default=None, alias="from", description="First local day (YYYY-MM-DD); default today"
    )
    days: Annotated[int, PlainValidator(_days, json_schema_input_type=int)] = Field(
        default=DEFAULT_DAYS,
        description=f"Number of days; default {DEFAULT_DAYS}",
        json_schema_extra={"minimum": 1, "maximum": MOST_DAYS},
    )


class BookingHeaders(BaseModel):
    """The headers of `POST /api/v1/appointments` that the service reads."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    idempotency_key: Annotated[str, PlainValidator(_key, json_schema_input_type=str)] = Field(
        default=None,  # read as "", as a blank header is
        validate_default=True,
        alias=IDEMPOTENCY_HEADER,
        description=(
            "Any unique text per booking (e.g. a UUID): repeating the same request with it "
            "from the same client answers with the first booking (header Idempotent-Replayed: "
            "true) instead of booking again; the same key with another body is a 422 that "
            "tells nothing of the first booking"
        ),
        json_schema_extra={"maxLength": KEY_LIMIT},
    )
