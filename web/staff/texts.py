"""The console's German messages that code (not templates) chooses."""

from __future__ import annotations

TEXTS = {
    "login_form_invalid": "Bitte E-Mail-Adresse und Passwort eingeben.",
    "login_wrong": "E-Mail-Adresse oder Passwort stimmen nicht.",
    "login_locked": (
        "Zu viele Fehlversuche. Das Konto ist für einige Minuten gesperrt; "
        "bitte versuchen Sie es später noch einmal."
    ),
    "login_disabled": "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration.",
    "session_expired": "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "form_expired": "Das Formular war veraltet. Bitte noch einmal absenden.",
    "saved": "Gespeichert.",
    "unreadable": "(unlesbar: Schlüssel fehlt)",
    "no_case": "Kein Fall mit dieser Nummer gefunden.",
    "on_duty": "Sie sind jetzt im Dienst.",
    "off_duty": "Sie sind jetzt nicht im Dienst.",
    "ready": "Sie sind bereit: Das nächste Gespräch kann kommen.",
    "not_a_counsellor": "Ihr Konto ist mit keiner Berater:in verknüpft.",
    "calling": "Ihr Telefon klingelt gleich. Drücken Sie die 1, um die anrufende Person zu wählen.",
    "referred": "Weitervermittlung eingetragen.",
    "follow_up_recorded": "Ergebnis der Nachfrage eingetragen.",
    "merged": "Fälle zusammengeführt.",
    "bad_date": "Bitte ein Datum wählen.",
    "staff_added": "Konto angelegt.",
    "staff_disabled": "Konto deaktiviert; seine Sitzungen sind beendet.",
    "staff_enabled": "Konto wieder aktiviert.",
    "own_account_not_disabled": "Das eigene Konto kann nicht deaktiviert werden.",
    "password_set": "Passwort gesetzt; die Sitzungen des Kontos sind beendet.",
    "override_set": "Ausnahme eingetragen.",
    "override_cleared": "Ausnahme aufgehoben.",
    "offer_saved": "Angebot gespeichert.",
    "display_name_invalid": (
        "Nicht gespeichert: Der Anzeigename braucht 1 bis 80 Zeichen und darf keine "
        "Steuerzeichen (Zeilenumbruch, Tab …) enthalten."
    ),
    "availability_invalid": (
        "Nicht gespeichert: Zeitfenster bitte als mon=09:00-12:00 schreiben "
        "(mon, tue, wed, thu, fri, sat, sun), Abwesenheiten mit Anfang und Ende."
    ),
    # values from outside (hotline.inputs) that a page does not take
    "control_characters": (
        "Nicht gespeichert: Der Text enthält Steuerzeichen (etwa ein Nullbyte). "
        "Bitte ohne sie eingeben."
    ),
    "no_counsellor": "Diese Berater:in gibt es nicht.",
    "choose_offer": "Bitte ein Angebot wählen.",
    "unknown_referral": "Unbekannte Weitervermittlung.",
    "override_note_missing": (
        "Nicht eingetragen: Bitte eine interne Notiz angeben (wofür die Ausnahme gilt; "
        "Anrufende hören sie nie)."
    ),
    "override_note_too_long": "Nicht eingetragen: Die Notiz hat höchstens {most} Zeichen.",
    "override_announcement_too_long": (
        "Nicht eingetragen: Die Ansage hat höchstens {most} Zeichen."
    ),
    "override_announcement_while_open": (
        "Nicht eingetragen: Eine Ansage gibt es nur bei geschlossener Leitung; bei geöffneter "
        "werden Anrufende verbunden."
    ),
    "override_open": "geöffnet",
    "override_closed": "geschlossen",
    "override_announced": "mit Ansage",
    "override_unannounced": "ohne Ansage",
    "audit_override_set": "Ausnahme eingetragen: {state} bis {until}, {announced}",
    "audit_overrides_cleared": "Ausnahmen aufgehoben",
    "override_in_past": "Bitte ein Ende in der Zukunft wählen.",
    "override_too_far": (
        "Nicht eingetragen: Bitte als Ende Datum und Uhrzeit wählen, höchstens ein Jahr im "
        "Voraus (bis {latest})."
    ),
    "absence_too_far": (
        "Nicht gespeichert: Eine Abwesenheit braucht Anfang und Ende als Datum und endet "
        "höchstens zwei Jahre im Voraus (bis {latest})."
    ),
    "stats_dates_invalid": "Bitte gültige Daten wählen (Jahre {first} bis {last}).",
    "stats_dates_swapped": "Das Ende lag vor dem Anfang; die Daten wurden getauscht.",
    "stats_range_too_long": "Höchstens ein Jahr auf einmal.",
}
