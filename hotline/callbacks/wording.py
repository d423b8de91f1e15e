"""The German names of a callback's states, for the console and the CLI alike, and why an
attempt did not reach the caller (on the case's timeline)."""

from __future__ import annotations

STATE_NAMES: dict[str, str] = {
    "draft": "Entwurf",
    "booked": "gebucht",
    "calling": "wird angerufen",
    "done": "erledigt",
    "failed": "gescheitert",
    "canceled": "abgesagt",
}

UNREACHED_REASONS: dict[str, str] = {
    "busy": "besetzt",
    "no-answer": "niemand nahm ab",
    "failed": "Verbindung gescheitert",
    "canceled": "Anruf abgebrochen",
    "mailbox": "nur die Mailbox",
    "lost": "keine Rückmeldung der Verbindung",
}
