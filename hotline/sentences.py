"""Sentences stored as what they say, not as prose: the name of a text in the catalog
(`hotline/texts/`) and its parameters, put into words when shown. A wording fixed in the
catalog is then fixed for the past too, and no German is kept in the database for a
retention rule to scrub.

Each parameter is declared once with the check a stored value must pass (a code, a number,
an ISO time with the hotline's offset) and the form it takes in the sentence. A case's
timeline (`hotline.cases.event_texts`), the audit log (`hotline.audit.wording`) and why a
counsellor went off duty (`hotline.counsellors.wording`) are stored this way.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from hotline.texts import texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Param:
    """A parameter's rule: what may be stored, and what the sentence shows of it."""

    valid: Callable[[Any], bool]
    shown: Callable[[Any], object]


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_code(value: Any) -> bool:
    """A code the service chose ("busy", "in_progress", "BY"), not text someone typed."""
    return isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value) is not None


def is_local_time(value: Any) -> bool:
    """An ISO 8601 time with its offset (as `local_time` writes it)."""
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except (TypeError, ValueError):
        return False


def is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def never(value: Any) -> bool:
    """For a parameter only a migration writes (the text of a row stored before)."""
    return False


def local_time(at: datetime, tz: tzinfo) -> str:
    """A point in time as a parameter: ISO 8601 with the offset the hotline's clocks had
    then, so it is shown as it was, whatever the server's zone."""
    return at.astimezone(tz).isoformat()


def placeholders(template: str) -> set[str]:
    """The names a catalog text's placeholders take."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@dataclass(frozen=True)
class Sentences:
    """The sentences under one table of the catalog (`prefix`), each stored by its name there,
    and the parameters they may take."""

    prefix: str
    params: Mapping[str, Param]

    def names(self) -> set[str]:
        """The name of every sentence in the catalog's table."""
        start = self.prefix + "."
        return {key.removeprefix(start) for key in texts() if key.startswith(start)}

    def text(self, name: str, params: Mapping[str, Any]) -> str:
        """The sentence, from the catalog as it is now."""
        try:
            values = {key: self.params[key].shown(value) for key, value in params.items()}
            return texts().text(f"{self.prefix}.{name}", **values)
        except (KeyError, ValueError, TypeError):  # a catalog edited since: say what is known
            log.warning("a stored sentence without its text", extra={"sentence": name})
            return f"{name}: " + ", ".join(f"{key}={value}" for key, value in params.items())

    def checked(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters to store, if the catalog has the sentence and they are exactly its
        placeholders, each valid by its rule; ValueError if not. This is what keeps phone
        numbers, addresses and free prose out of what is stored."""
        key = f"{self.prefix}.{name}"
        if key not in texts():
            raise ValueError(f"no text {key!r}")
        wanted = placeholders(texts()[key])
        if set(params) != wanted:
            raise ValueError(f"{key!r} takes {sorted(wanted)}, not {sorted(params)}")
        for param, value in params.items():
            if param not in self.params or not self.params[param].valid(value):
                raise ValueError(f"{key!r}: {param} is not a valid value")
        return dict(params)
