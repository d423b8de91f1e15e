"""Why a counsellor is off duty, put into words when shown (the CLI's `counsellor list`, the
console's *Berater:innen*): stored as a code and its parameters, the sentences are in
`hotline/texts/counsellors.toml` under `off_duty_reasons`. A reason stored as a sentence
before revision 0015 is the code `recorded` with that sentence as its parameter `text`, shown
as it was written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotline.plurals import Counted
from hotline.sentences import Param, Sentences, is_int, is_local_time, never

OFF_DUTY_REASONS = Sentences(
    "counsellors.off_duty_reasons",
    {
        "passes": Param(is_int, Counted),
        "at": Param(is_local_time, datetime.fromisoformat),
        "text": Param(never, str),
    },
)


def off_duty_text(code: str, params: Mapping[str, Any]) -> str:
    """The reason's sentence, from the catalog as it is now."""
    return OFF_DUTY_REASONS.text(code, params)


def off_duty_params(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters to store with `code`: exactly its sentence's, each valid (ValueError
    if not)."""
    return OFF_DUTY_REASONS.checked(code, params)
