"""Whether a short text that people typed (a name, an offer's contact) is plain text: no
control characters. One rule for the booking page, the API, counsellors and support offers."""

from __future__ import annotations

import unicodedata

# Control characters (NUL, line breaks, tabs, escape sequences, C1), invisible format
# characters (a right-to-left override makes a name read differently in the console) and the
# Unicode line and paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) in _UNPRINTABLE for char in text)
