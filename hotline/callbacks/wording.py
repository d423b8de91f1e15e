"""The words for a callback's states, for the console and the CLI alike, and why an attempt
did not reach the caller (on the case's timeline): `hotline/texts/callbacks.toml`."""

from __future__ import annotations

from hotline.texts import words

STATE_NAMES = words("callbacks.states")
UNREACHED_REASONS = words("callbacks.unreached")
