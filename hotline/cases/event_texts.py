"""What a timeline entry says. An entry is stored as its kind and a few parameters (an
attempt's number, a reason's code, a status's code, a time); the sentence is made from the
catalog (`hotline/texts/timeline.toml`) when the entry is shown. So a wording fixed in the
catalog is fixed for the past too, and the retention sweep clears parameters instead of
scrubbing prose.

Each parameter has one meaning wherever it appears, declared below with the check a value
must pass when it is written and the form it takes in a sentence. A kind with several
sentences names the one it says by its `variant`. Entries written before revision 0014 hold
the text they were stored with (`legacy_text`) and show it as it is; an entry whose
parameters the retention sweep cleared (None) says nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hotline.callbacks.wording import UNREACHED_REASONS
from hotline.cases.references import display_case_reference
from hotline.cases.vocabulary import REGIONS, STATUS_NAMES
from hotline.cases.wording import FIELD_NAMES
from hotline.plurals import Counted
from hotline.sentences import Param, is_code, is_date, is_int, is_local_time, placeholders
from hotline.sentences import local_time as local_time  # the desks' times take this form
from hotline.texts import texts

log = logging.getLogger(__name__)
VARIANT = "variant"  # which of a kind's sentences an entry says
LEGACY_TEXT = "legacy_text"  # the text of an entry stored before 0014, shown as it was
# what a name must not look like: an e-mail address, a phone number (7 digits or more)
_CONTACT = re.compile(r"\S@\S|\+?\d(?:[\s/().-]*\d){6,}")


def _is_name(value: Any) -> bool:
    """A counsellor's name: never contact details."""
    return isinstance(value, str) and 0 < len(value) <= 200 and not _CONTACT.search(value)


def _is_offer_name(value: Any) -> bool:
    """A support offer's name from the directory: public, chosen by the hotline's staff, and
    often naming an organisation's own number ("Hilfetelefon 08000 116 016"); one line."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 200
        and not any(ord(char) < 32 or ord(char) == 127 for char in value)
    )


PARAMS: dict[str, Param] = {
    "when": Param(is_local_time, datetime.fromisoformat),
    "was": Param(is_local_time, datetime.fromisoformat),
    "follow_up": Param(is_date, date.fromisoformat),
    "attempt": Param(is_int, int),
    "attempts": Param(is_int, Counted),
    "reason": Param(is_code, lambda code: UNREACHED_REASONS.get(code, code)),
    "counsellor": Param(_is_name, str),
    "old_status": Param(is_code, lambda code: STATUS_NAMES.get(code, code)),
    "new_status": Param(is_code, lambda code: STATUS_NAMES.get(code, code)),
    "fields": Param(
        lambda names: isinstance(names, list) and all(name in FIELD_NAMES for name in names),
        lambda names: ", ".join(FIELD_NAMES[name] for name in names),
    ),
    "offer": Param(_is_offer_name, str),
    "region": Param(is_code, lambda code: REGIONS.get(code, code)),
    "other": Param(lambda ref: isinstance(ref, str) and ref.isdigit(), display_case_reference),
}


def event_text(kind: str, params: Mapping[str, Any] | None) -> str:
    """The sentence of an entry, from the catalog as it is now ("" once anonymised)."""
    if params is None:
        return ""
    if LEGACY_TEXT in params:
        return str(params[LEGACY_TEXT])
    try:
        values = {
            name: PARAMS[name].shown(value) for name, value in params.items() if name != VARIANT
        }
        return texts().text(_template_key(kind, params), **values)
    except (KeyError, ValueError, TypeError):  # a catalog edited since: say what is known
        log.warning("timeline entry without its text", extra={"kind": kind})
        return f"{kind}: " + ", ".join(f"{name}={value}" for name, value in params.items())


def checked_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of a new entry, if the catalog has its sentence and they are exactly
    that sentence's placeholders, each valid by its rule; ValueError if not. This is what
    keeps phone numbers, addresses and free prose out of the timeline."""
    key = _template_key(kind, params)
    if key not in texts():
        raise ValueError(f"no timeline text {key!r}")
    wanted = placeholders(texts()[key])
    given = set(params) - {VARIANT}
    if given != wanted:
        raise ValueError(f"{key!r} takes {sorted(wanted)}, not {sorted(given)}")
    for name in given:
        if not PARAMS[name].valid(params[name]):
            raise ValueError(f"{key!r}: {name} is not a valid value")
    return dict(params)


def _template_key(kind: str, params: Mapping[str, Any]) -> str:
    variant = params.get(VARIANT)
    return f"timeline.{kind}.{variant}" if variant else f"timeline.{kind}"
