"""The words for the line in the console and the CLI (German, as the console speaks)."""

from __future__ import annotations

COUNSELLOR_STATES = {
    "free": "frei",
    "ringing": "wird angerufen",
    "talking": "im Gespräch",
    "wrap_up": "Nachbearbeitung",
    "in_appointment": "im Videotermin",
    "off_duty": "nicht im Dienst",
}
ENTRY_KINDS = {"caller": "wartet am Telefon", "callback": "Rückruf (hält den Platz)"}
LANGUAGES = {"de": "Deutsch", "en": "Englisch"}
NOBODY_WAITS = "Niemand wartet."
NOBODY_ON_DUTY = "Niemand ist im Dienst."
