"""What the booking API answers, as models: the OpenAPI document's response schemas.

The views build their JSON themselves (`web.booking.api`, `web.booking`, `web.callbacks.manage`);
these models describe it, and tests/web/booking/test_openapi_document.py holds real answers against
the served document so that a field added to a view cannot go undocumented.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyUrl, BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from web.booking.schema import MOMENT_EXAMPLE

Moment = Annotated[datetime, Field(examples=[MOMENT_EXAMPLE])]
Kind = Literal["video", "phone", "callback"]
ErrorCode = Literal[
    "invalid_input",
    "invalid_json",
    "slot_taken",
    "too_short_notice",
    "not_found",
    "rate_limited",
    "method_not_allowed",
    "unavailable",
    "callback_under_way",
]


class ErrorDetail(BaseModel):
    code: ErrorCode = Field(description="What went wrong, for programs (stable)")
    message: str = Field(description="The same for people, in German (wording may change)")
    fields: dict[str, str] = Field(
        description=(
            "One German message per bad field, keyed by the field's name (programs read the keys)"
        )
    )


class Error(BaseModel):
    """Every error of the API and of the manage URLs' JSON: a 4xx, or a 503."""

    error: ErrorDetail


class Slot(BaseModel):
    start: Moment
    end: Moment
    type: Kind


class Slots(BaseModel):
    slots: list[Slot] = Field(description="The free slots in time order")


class Booking(BaseModel):
    """The answer to a booking (201); `Location` is its `manage_url`."""

    case_reference: str = Field(examples=["12345678"])
    start: Moment
    end: Moment
    type: Kind
    manage_url: AnyUrl = Field(
        description=(
            "View (HTML, or JSON with Accept: application/json), POST …/cancel to cancel (a "
            "callback only until it is under way). Keep it secret."
        )
    )
    ics_url: AnyUrl | None = Field(description="The calendar file (null for callbacks)")
    # absent for callbacks, never null: SkipJsonSchema keeps None out of the document
    video_url: AnyUrl | SkipJsonSchema[None] = Field(
        default=None, description="The video room (video only; a phone appointment has none)"
    )


class Appointment(BaseModel):
    """A video or phone appointment at its manage URL, as JSON."""

    type: Literal["video", "phone"]
    state: Literal["booked", "canceled"]
    case_reference: str
    start: Moment
    end: Moment
    manage_url: AnyUrl
    ics_url: AnyUrl
    video_url: AnyUrl | None = Field(description="null for phone, and once cancelled")
    phone: str | None = Field(
        default=None,
        description=(
            "Phone only (absent for video): the number we call, masked; null once deleted"
        ),
        examples=["+49151•••••89"],
    )


class Callback(BaseModel):
    """A callback booked online at its manage URL, as JSON."""

    type: Literal["callback"]
    state: Literal["booked", "calling", "done", "failed", "canceled"]
    case_reference: str
    start: Moment | None
    end: Moment | None
    manage_url: AnyUrl
    ics_url: None = Field(description="Always null: a callback has no calendar file")


ANSWERS: tuple[type[BaseModel], ...] = (Error, Slots, Booking, Appointment, Callback)
