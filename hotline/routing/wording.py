"""The words for the line in the console and the CLI: `hotline/texts/routing.toml`."""

from __future__ import annotations

from hotline.texts import text, words

COUNSELLOR_STATES = words("routing.counsellor_states")
ENTRY_KINDS = words("routing.entry_kinds")
LANGUAGES = words("routing.languages")
NOBODY_WAITS = text("routing.nobody_waits")
NOBODY_ON_DUTY = text("routing.nobody_on_duty")
