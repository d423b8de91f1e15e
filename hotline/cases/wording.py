"""The German words of the calls on a case's timeline, of its changes and of follow-up mails
(the timeline's own sentences are in `hotline/texts/timeline.toml`)."""

from __future__ import annotations

CALL_OUTCOMES: dict[str, str] = {
    "connected": "verbunden",
    "no_answer": "niemand erreicht",
    "nobody_on_duty": "niemand im Dienst",
    "closed_informed": "außerhalb der Öffnungszeiten",
    "closed_callback_booked": "außerhalb der Öffnungszeiten, Rückruf gewünscht",
    "ended_in_intake": "in der Begrüßung aufgelegt",
    "hung_up": "aufgelegt",
    "abandoned_in_queue": "in der Warteschleife aufgelegt",
    "callback_requested": "Rückruf gewünscht",
    "appointment_booked": "Videotermin gebucht",
    "no_accept_within_max_wait": "nicht angenommen",
    "technical_failure": "technischer Fehler",
}

CALL_LINE = "Anruf: {outcome}; gewartet {wait}, gesprochen {talk}"
CALL_UNDER_WAY = "Anruf läuft"
FIELD_NAMES = {"federal_state": "Bundesland", "topic": "Thema", "notes": "Notizen"}
NOTES_UNREADABLE = (
    "Nicht zusammengeführt: die Notizen eines der Fälle sind mit einem nicht mehr eingetragenen "
    "Schlüssel verschlüsselt. Bitte den Schlüssel wieder eintragen oder die Notizen neu schreiben."
)

FOLLOW_UP_MAIL_SUBJECT = "Nachfrage fällig: Fall {reference}"
FOLLOW_UP_MAIL_TEXT = """Guten Tag,

für Fall {reference} ist heute die Nachfrage zur Weitervermittlung an
„{offer}“ ({region}) fällig (weitervermittelt am {referred_on}).

Bitte fragen Sie nach, ob die Unterstützung angekommen ist, und tragen Sie das Ergebnis
im Fall ein:
{link}

Diese Nachricht enthält keine persönlichen Daten. Die Angaben zum Fall sehen Sie nach der
Anmeldung in der Konsole.

starke Stelle
"""
