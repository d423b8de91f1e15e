"""The German words of the case timeline and of follow-up mails, in one place."""

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
STATUS_LINE = "Status: {old} → {new}"
ASSIGNED_LINE = "Zuständig: {name}"
UNASSIGNED_LINE = "Zuständigkeit aufgehoben"
DETAILS_LINE = "Angaben geändert: {fields}"
FIELD_NAMES = {"federal_state": "Bundesland", "topic": "Thema", "notes": "Notizen"}
MERGED_FROM = "Fall {other} hierher zusammengeführt"
MERGED_INTO = "Zusammengeführt in Fall {other}"
NOTES_UNREADABLE = (
    "Nicht zusammengeführt: die Notizen eines der Fälle sind mit einem nicht mehr eingetragenen "
    "Schlüssel verschlüsselt. Bitte den Schlüssel wieder eintragen oder die Notizen neu schreiben."
)
REFERRED_LINE = "Weitervermittelt an {offer} ({region}); Nachfrage am {follow_up}"
REFERRED_NO_FOLLOW_UP = "Weitervermittelt an {offer} ({region})"
FOLLOW_UP_DUE_LINE = "Nachfrage fällig: {offer}"
FOLLOW_UP_DONE_LINE = "Nachfrage zu {offer} erledigt"

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
