"""The names of work rows as operators read them (`hotline work list`, `hotline scheduler
status`): their states and kinds, from `hotline/texts/outbox.toml`. The CLI's options keep
the codes (`--state dead`)."""

from __future__ import annotations

from hotline.texts import words

STATE_NAMES = words("outbox.states")
KIND_NAMES = words("outbox.kinds")
