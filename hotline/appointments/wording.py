"""The words for appointments that are not in a template: their states and kinds (for the
console and the CLI alike), from `hotline/texts/appointments.toml`. Dates and times come
from `hotline.calendar_names`."""

from __future__ import annotations

from hotline.texts import words

STATE_NAMES = words("appointments.states")
KIND_NAMES = words("appointments.kinds")
