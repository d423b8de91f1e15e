"""The German names of a callback's states, for the console and the CLI alike."""

from __future__ import annotations

STATE_NAMES: dict[str, str] = {
    "draft": "Entwurf",
    "booked": "gebucht",
    "calling": "wird angerufen",
    "done": "erledigt",
    "failed": "gescheitert",
    "canceled": "abgesagt",
}
