"""The German names of work rows as operators read them (`hotline work list`, `hotline
scheduler status`): their states and kinds. The CLI's options keep the codes (`--state dead`)."""

from __future__ import annotations

STATE_NAMES: dict[str, str] = {
    "pending": "ausstehend",
    "running": "läuft",
    "done": "erledigt",
    "failed": "fehlgeschlagen",  # a passing failure: tried again at its due time
    "dead": "aufgegeben",  # `hotline work retry` queues it again
    "canceled": "entfallen",  # no longer wanted before it ran
}

KIND_NAMES: dict[str, str] = {
    "place_call": "Anruf aufbauen",
    "end_call": "Anruf beenden",
    "delete_queue": "Warteschlange löschen",
    "send_sms": "SMS senden",
    "send_mail": "E-Mail senden",
    "place_callback": "Rückruf",
    "appointment_reminder": "Terminerinnerung",
    "appointment_forget": "Kontaktdaten eines Termins löschen",
    "referral_follow_up": "Nachfrage",
}
