"""Reading a booking from the API's JSON or the page's form: one set of rules, every bad
field named at once (never an exception escaping as a 500)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hotline.cases.references import InvalidCaseReference, normalise_case_reference
from hotline.inputs import Refused, aware_moment, bounded_integer, calendar_day, checked_text
from hotline.mail.addresses import checked_address
from hotline.telephony.phone_numbers import CallbackNumber, NumberRefused, callback_number
from scheduling.appointments.desk import Contact
from web.texts import FIELD_ERRORS

NAME_LIMIT = 80
TRUE_WORDS = ("true", "on", "ja", "yes", "1")


class InvalidInput(ValueError):
    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = dict(fields)


@dataclass(frozen=True)
class BookingInput:
    type: str
    start: datetime
    name: str
    email: str | None
    phone: CallbackNumber | None
    case_reference: str | None


def read_booking(
    values: Mapping[str, Any], *, hotline_number: str, from_form: bool = False
) -> BookingInput:
    """`hotline_number`: the hotline's own number, which is never a number to call back."""
    errors: dict[str, str] = {}
    kind = values.get("type", "video")
    if kind not in ("video", "callback"):
        errors["type"] = FIELD_ERRORS["type.invalid"]
    start = _start(values.get("start"), errors)
    name = _text(values.get("name"))
    if not name:
        errors["name"] = FIELD_ERRORS["name.missing"]
    elif len(name) > NAME_LIMIT or not _is_plain(name):
        errors["name"] = FIELD_ERRORS["name.invalid"]
    email = _email(values.get("email"), required=kind == "video", errors=errors)
    phone = _phone(values.get("phone"), hotline_number, required=kind == "callback", errors=errors)
    consent = values.get("consent")
    if from_form:
        consent = isinstance(consent, str) and consent.strip().lower() in TRUE_WORDS
    if consent is not True:
        errors["consent"] = FIELD_ERRORS["consent.missing"]
    reference = _case_reference(values.get("case_reference"), errors)
    if errors:
        raise InvalidInput(errors)
    assert start is not None
    return BookingInput(str(kind), start, name, email, phone, reference)


def contact_of(wish: BookingInput) -> Contact:
    """Who booked, as the desk keeps it."""
    return Contact(
        name=wish.name,
        email=wish.email,
        phone_e164=wish.phone.e164 if wish.phone else None,
        phone_is_mobile=bool(wish.phone and wish.phone.is_mobile),
    )


def read_email(value: Any) -> str:
    errors: dict[str, str] = {}
    email = _email(value, required=True, errors=errors)
    if email is None:
        raise InvalidInput(errors)
    return email


def _email(value: Any, *, required: bool, errors: dict[str, str]) -> str | None:
    """The address in the form we keep and send it (`checked_address`, one rule for all)."""
    text = _text(value)
    if not text:
        if required:
            errors["email"] = FIELD_ERRORS["email.missing"]
        return None
    try:
        return checked_address(text)
    except ValueError:
        errors["email"] = FIELD_ERRORS["email.invalid"]
        return None


def read_start(value: Any, field: str = "start") -> datetime:
    errors: dict[str, str] = {}
    start = _start(value, errors)
    if start is None:
        raise InvalidInput({field: errors["start"]})
    return start


def read_day(value: Any, default: date) -> date:
    if value in (None, ""):
        return default
    try:
        return calendar_day(value)
    except Refused:
        raise InvalidInput({"from": FIELD_ERRORS["from.invalid"]}) from None


def read_days(value: Any, default: int, most: int) -> int:
    if value in (None, ""):
        return default
    try:
        return bounded_integer(value, least=1, most=most)
    except Refused:
        raise InvalidInput({"days": FIELD_ERRORS["days.invalid"].format(most=most)}) from None


def _is_plain(text: str) -> bool:
    """One line of plain text, storable as UTF-8 (`hotline.inputs.checked_text`)."""
    try:
        checked_text(text)
    except Refused:
        return False
    return True


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _start(value: Any, errors: dict[str, str]) -> datetime | None:
    if value in (None, ""):
        errors["start"] = FIELD_ERRORS["start.missing"]
        return None
    try:
        return aware_moment(value)
    except Refused:
        errors["start"] = FIELD_ERRORS["start.invalid"]
        return None


def _phone(
    value: Any, hotline_number: str, *, required: bool, errors: dict[str, str]
) -> CallbackNumber | None:
    """The phone menu's policy (`callback_number`), its reason told in the field's error."""
    text = _text(value)
    if not text:
        if required:
            errors["phone"] = FIELD_ERRORS["phone.missing"]
        return None
    if len(text) > 40:
        errors["phone"] = FIELD_ERRORS["phone.invalid"]
        return None
    try:
        return callback_number(text, hotline_number=hotline_number)
    except NumberRefused as refused:
        errors["phone"] = FIELD_ERRORS[f"phone.{refused.reason}"]
        return None


def _case_reference(value: Any, errors: dict[str, str]) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return normalise_case_reference(text[:20])
    except InvalidCaseReference:
        errors["case_reference"] = FIELD_ERRORS["case_reference.invalid"]
        return None
