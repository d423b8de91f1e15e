"""The German texts of the booking page and the API's error messages, in one catalog.

Messages are for people, in German only; programs read the API's `code` and the keys of its
`fields` (see web/openapi.py)."""

from __future__ import annotations

FIELD_ERRORS = {
    "type.invalid": "Bitte „video“ oder „callback“ angeben.",
    "start.missing": "Bitte wählen Sie eine Uhrzeit.",
    "start.invalid": (
        "Bitte einen Zeitpunkt im Format ISO 8601 mit Zeitzone angeben, "
        "z. B. 2026-12-01T10:00:00+01:00."
    ),
    "name.missing": "Bitte geben Sie einen Namen an – ein Vorname oder ein Pseudonym genügt.",
    "name.invalid": "Bitte höchstens 80 Zeichen, ohne Steuerzeichen.",
    "email.missing": (
        "Bitte geben Sie eine E-Mail-Adresse an: Dorthin schicken wir den Link zum Videoraum."
    ),
    "email.invalid": "Diese E-Mail-Adresse ist nicht gültig.",
    "phone.missing": "Für einen Rückruf brauchen wir eine Telefonnummer.",
    "phone.invalid": "Diese Telefonnummer können wir nicht anrufen.",
    # why a number is refused: the reasons the phone menu speaks (hotline.telephony.phone_numbers)
    "phone.premium": "Das ist eine kostenpflichtige Sondernummer; die können wir nicht anrufen.",
    "phone.shared_cost": (
        "Das ist eine Service-Nummer mit geteilten Kosten; die können wir nicht anrufen."
    ),
    "phone.short": "Kurzwahlnummern können wir nicht anrufen.",
    "phone.emergency": (
        "Das ist eine Notrufnummer. In akuter Gefahr wählen Sie bitte den Notruf 110."
    ),
    "phone.ours": (
        "Das ist die Nummer der starken Stelle selbst. Bitte geben Sie die Nummer an, unter "
        "der wir Sie erreichen."
    ),
    "consent.missing": "Bitte bestätigen Sie, dass Sie den Datenschutzhinweis gelesen haben.",
    "case_reference.invalid": (
        "Die Fallnummer hat 8 Ziffern und eine passende Prüfziffer, z. B. 1234 5678."
    ),
    "case_reference.unknown": "Zu dieser Fallnummer gibt es keinen Fall.",
    "key.invalid": "Höchstens 200 Zeichen.",
    "key.reused": "Dieser Schlüssel gehört zu einer anderen Buchung.",
    "from.invalid": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
    "days.invalid": "Bitte eine Zahl von 1 bis {most} angeben.",
}

ERRORS = {
    "invalid_input": "Einige Angaben fehlen oder passen nicht.",
    "invalid_json": "Der Inhalt ist kein JSON-Objekt.",
    "slot_taken": "Dieser Termin ist leider nicht mehr frei. Bitte wählen Sie eine andere Zeit.",
    "not_found": "Das gibt es hier nicht (mehr).",
    "rate_limited": "Zu viele Anfragen. Bitte versuchen Sie es in einigen Minuten noch einmal.",
    "canceled": "Dieser Termin ist abgesagt.",
    "callback_under_way": (
        "Dieser Rückruf läuft schon oder ist vorbei und kann nicht mehr abgesagt werden."
    ),
    "method_not_allowed": "Diese Methode ist hier nicht erlaubt.",
    "unsupported": "Diese Art von Termin gibt es hier nicht.",
    "unavailable": (
        "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal."
    ),
}

# the manage page of a video appointment after a change (/termin/<token>?verlegt=1 …); a mail is
# promised only to an appointment with an address (one booked by phone may have none)
MANAGE_MESSAGES = {
    "gebucht": "Ihr Termin ist gebucht. Wir haben Ihnen eine Bestätigung per E-Mail geschickt.",
    "verlegt": "Ihr Termin ist verlegt. Die neue Einladung ist per E-Mail unterwegs.",
    "verlegt.no_email": "Ihr Termin ist verlegt. Es gilt die neue Zeit unten.",
    "abgesagt": "Ihr Termin ist abgesagt. Eine Bestätigung ist per E-Mail unterwegs.",
    "abgesagt.no_email": "Ihr Termin ist abgesagt.",
    "email": "Danke. Die Kalendereinladung ist per E-Mail unterwegs.",
}

# the manage page of a callback booked online (/rueckruf/<token>)
CALLBACK_PAGE = {
    "canceled_now": "Ihr Rückruf ist abgesagt. Wir rufen Sie nicht an; Ihre Nummer ist gelöscht.",
    "under_way": (
        "Dieser Rückruf läuft gerade oder ist schon vorbei und kann nicht mehr abgesagt werden."
    ),
    "as_soon_as_possible": "so bald wie möglich",
    "booked": "gebucht: wir rufen Sie zur genannten Zeit an",
    "calling": "wir rufen Sie gerade an",
    "done": "erledigt",
    "failed": "wir haben Sie leider nicht erreicht",
    "canceled": "abgesagt",
    "draft": "nicht gebucht",
}
