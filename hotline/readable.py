"""A stored number or address as a console page shows it: opened, masked if the page only
needs to tell rows apart, or — when no configured key opens it (dropped from
HOTLINE_DATA_KEY too early) — the console's words for unreadable, so that one such row does
not break a page."""

from __future__ import annotations

from collections.abc import Callable

from hotline.crypto import DataCipher
from hotline.texts import text


def readable(cipher: DataCipher, token: bytes, masking: Callable[[str], str] | None = None) -> str:
    """`token` opened (and masked with `masking`, if given), or the words for unreadable."""
    value = cipher.decrypt_or_none(token)
    if value is None:
        return text("console.messages.unreadable")
    return masking(value) if masking else value
