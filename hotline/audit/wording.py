"""What an audit log entry says, put into words when the log is shown. An entry stores its
message (`AuditMessage`) and the parameters of the message's sentence in the catalog
(`hotline/texts/audit.toml`): ids, codes, dates and times, never prose. So a wording fixed
in the catalog is fixed for the past too, and no German is kept for retention to scrub.

Two messages borrow their words, so that the log says what the console said: `revealed`
names a case's number or address as the case page does, `case_changed` says a change as the
case's timeline does. An entry stored before revision 0015 is the message `recorded` with its
sentence as the parameter `text` (only the migration writes it), shown as it was written.

One parameter is typed text: `why`, the reason an admin states for handing out or erasing a
case's data (DSGVO Art. 15 and 17), which the audit must keep. It is one line of at most
`LONGEST_REASON` characters; the forms ask that it names no person ("Antrag per E-Mail vom
3.12."), and erasing a case keeps it (it is the record of why).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hotline.cases.event_texts import checked_params as checked_event_params
from hotline.cases.event_texts import event_text
from hotline.plain_text import has_control_characters
from hotline.sentences import Param, Sentences, is_code, is_date, is_int, is_local_time, never
from hotline.texts import text, words

CONTACTS = "console.contacts"  # what the case page calls a stored number or address
LONGEST_REASON = 300
OVERRIDE_STATES = words("audit.override_states")
ANNOUNCEMENTS = words("audit.announcements")
FLOOD_HOW = words("audit.flood_how")


def _is_contact(value: Any) -> bool:
    """Which number or address: {"field": "callback_phone", "id": 3}."""
    return (
        isinstance(value, dict)
        and set(value) == {"field", "id"}
        and value["field"] in words(CONTACTS)
        and is_int(value["id"])
    )


def is_reason(value: Any) -> bool:
    """A stated reason: one line of 3 to LONGEST_REASON characters, no control characters."""
    return (
        isinstance(value, str)
        and 3 <= len(value.strip()) == len(value) <= LONGEST_REASON
        and not has_control_characters(value)
    )


def _contact(value: Mapping[str, Any]) -> str:
    return text(f"{CONTACTS}.{value['field']}", id=value["id"])


def _is_change(value: Any) -> bool:
    """A timeline entry's kind and parameters: {"kind": "assigned", "params": {…}}."""
    if not isinstance(value, dict) or set(value) != {"kind", "params"}:
        return False
    try:
        checked_event_params(value["kind"], value["params"])
    except (TypeError, ValueError, AttributeError):  # not the parameters of a timeline entry
        return False
    return True


def _change(value: Mapping[str, Any]) -> str:
    return event_text(value["kind"], value["params"])


MESSAGES = Sentences(
    "audit.messages",
    {
        "id": Param(is_int, int),
        "role": Param(is_code, str),
        "action": Param(is_code, str),
        "reason": Param(is_code, str),
        "state": Param(lambda code: code in OVERRIDE_STATES, OVERRIDE_STATES.__getitem__),
        "announcement": Param(lambda code: code in ANNOUNCEMENTS, ANNOUNCEMENTS.__getitem__),
        "how": Param(lambda code: code in FLOOD_HOW, FLOOD_HOW.__getitem__),
        "until": Param(is_local_time, datetime.fromisoformat),
        "first": Param(is_date, date.fromisoformat),
        "last": Param(is_date, date.fromisoformat),
        "contact": Param(_is_contact, _contact),
        "change": Param(_is_change, _change),
        "text": Param(never, str),
        "why": Param(is_reason, str),
    },
)


def audit_text(message: str, params: Mapping[str, Any]) -> str:
    """The entry's sentence, from the catalog as it is now."""
    return MESSAGES.text(message, params)


def audit_params(message: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters to store with `message`: exactly its sentence's, each valid by its
    rule (ValueError if not), so nothing but what the sentence needs is kept."""
    return MESSAGES.checked(message, params)


def case_change(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameter of `case_changed` for a timeline entry of `kind` with `params`."""
    return {"kind": str(kind), "params": dict(params)}


def contact(field: str, record_id: int) -> dict[str, Any]:
    """The parameter of `revealed`: the case page's `field` ("callback_phone") of the
    callback or appointment `record_id`."""
    return {"field": field, "id": record_id}
