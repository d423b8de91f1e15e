"""The console's messages that code (not templates) chooses, from the catalog
(`hotline/texts/console.toml`)."""

from __future__ import annotations

from hotline.texts import words

TEXTS = words("console.messages")
