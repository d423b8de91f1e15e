"""Twilio's parameters, validated at the edge before anything is stored or reaches a flow.

Twilio signs what it sends, but the service must not trust a value's shape: a status callback
with a year 9999, a duration beyond any integer column or a NUL byte must still be answered
and must not break a later read. Each value is checked for length, characters, range and
plausibility; one that fails is dropped (or a harmless default is used) and a warning names
the parameter, never its value (it could be a phone number). The rest of the request is used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from hotline.inputs import bounded_integer_or_none
from hotline.telephony.legs import LEG_OWNERS, LegOwner
from hotline.telephony.models import CallDirection
from hotline.telephony.statuses import CALL_STATUSES

log = logging.getLogger(__name__)

SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")  # two letters and 32 hex digits, like CA5f2c…
DIRECTIONS = {direction.value: direction for direction in CallDirection}
DIGITS = re.compile(r"[0-9*#]{0,64}")
MAX_DURATION_SECONDS = 24 * 3600  # Twilio ends every call after 24 hours at the latest
MAX_SEQUENCE_NUMBER = 2**31 - 1
# A status report's own time may lag (Twilio retries) or lead (clock skew) the receipt a bit.
PLAUSIBLE_PAST = timedelta(days=7)
PLAUSIBLE_FUTURE = timedelta(hours=1)
MAX_FLOW_VALUE = 256  # longer values are not Twilio's and never reach a flow
MAX_CALLER = 64
# Parameters that carry phone numbers never reach a flow.
NUMBER_PARAMETERS = frozenset(
    {"From", "To", "Caller", "Called", "ForwardedFrom", "CallerName", "StirVerstat"}
    | {
        f"{side}{part}"
        for side in ("From", "To", "Caller", "Called")
        for part in ("City", "State", "Zip", "Country")
    }
)
MAX_ATTEMPT = 10


@dataclass
class Rejections:
    """Names of the parameters that were dropped, logged once after the request."""

    names: list[str] = field(default_factory=list)

    def drop(self, name: str) -> None:
        self.names.append(name)

    def log(self, path: str, call_sid: str | None) -> None:
        if self.names:
            log.warning(
                "implausible Twilio parameters ignored",
                extra={"path": path, "call_sid": call_sid, "parameters": ",".join(self.names)},
            )


def sid(values: Mapping[str, str], name: str, rejections: Rejections) -> str | None:
    raw = values.get(name)
    if not raw:
        return None
    if SID.fullmatch(raw):
        return raw
    rejections.drop(name)
    return None


def call_status(values: Mapping[str, str], rejections: Rejections) -> str | None:
    raw = values.get("CallStatus")
    if raw is None or raw in CALL_STATUSES:
        return raw
    rejections.drop("CallStatus")
    return None


def direction(values: Mapping[str, str], rejections: Rejections) -> CallDirection | None:
    raw = values.get("Direction")
    if not raw:
        return None
    known = DIRECTIONS.get(raw)
    if known is None:
        rejections.drop("Direction")
    return known


def bounded_integer(
    values: Mapping[str, str], name: str, maximum: int, rejections: Rejections
) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    number = bounded_integer_or_none(raw, least=0, most=maximum)
    if number is not None:
        return number
    rejections.drop(name)
    return None


def timestamp(values: Mapping[str, str], now: datetime, rejections: Rejections) -> datetime | None:
    """Twilio's RFC 2822 `Timestamp`, if it is a real moment near now."""
    raw = values.get("Timestamp")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw) if len(raw) <= 64 else None
        if (
            parsed is not None
            and parsed.tzinfo is not None
            and now - PLAUSIBLE_PAST <= parsed <= now + PLAUSIBLE_FUTURE
        ):
            return parsed
    except (TypeError, ValueError, OverflowError, IndexError):
        pass
    rejections.drop("Timestamp")
    return None


def digits(values: Mapping[str, str], rejections: Rejections) -> str | None:
    """Keys pressed: None when the request carries no `<Gather>` result; "" for nothing
    usable (keys a phone cannot send count as nothing pressed)."""
    raw = values.get("Digits")
    if raw is None:
        return None
    if DIGITS.fullmatch(raw):
        return raw
    rejections.drop("Digits")
    return ""


def caller(values: Mapping[str, str], rejections: Rejections) -> str | None:
    raw = values.get("From")
    if raw is None or (len(raw) <= MAX_CALLER and raw.isprintable()):
        return raw
    rejections.drop("From")
    return None


def work_item(raw: str | None, rejections: Rejections) -> int | None:
    """The outbox row a status-callback URL names (`?work=42`), if it is a plausible id."""
    if raw is None:
        return None
    number = bounded_integer_or_none(raw)
    if number is not None:
        return number
    rejections.drop("work")
    return None


def leg_owner(raw: str | None, rejections: Rejections) -> LegOwner | None:
    """Who a placed leg is for, as its status-callback URL says (`?leg=offer`)."""
    if raw is None:
        return None
    owner = LEG_OWNERS.get(raw)
    if owner is None:
        rejections.drop("leg")
    return owner


def attempt(raw: str | None) -> int:
    """The prompt's repetition counted in its URL; anything odd is the first attempt."""
    return min(max(bounded_integer_or_none(raw, least=0, most=999) or 1, 1), MAX_ATTEMPT)


def flow_parameters(values: Mapping[str, str]) -> dict[str, str]:
    """What a flow may read: no phone numbers, nothing long, nothing unprintable."""
    return {
        name: value
        for name, value in values.items()
        if name not in NUMBER_PARAMETERS
        and len(name) <= 64
        and len(value) <= MAX_FLOW_VALUE
        and value.isprintable()
    }
