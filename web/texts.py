"""The German texts of the booking page and the API's error messages, in one catalog
(English follows where an integration may read it)."""

from __future__ import annotations

FIELD_ERRORS = {
    "type.invalid": "Bitte „video“ oder „callback“ angeben. (video or callback)",
    "start.missing": "Bitte eine Uhrzeit wählen. (start is required)",
    "start.invalid": (
        "Bitte einen Zeitpunkt im Format ISO 8601 mit Zeitzone angeben, "
        "z. B. 2026-12-01T10:00:00+01:00. (ISO 8601 with offset)"
    ),
    "name.missing": (
        "Bitte einen Namen angeben – ein Vorname oder ein Pseudonym genügt. (name is required)"
    ),
    "name.invalid": "Bitte höchstens 80 Zeichen, ohne Steuerzeichen. (at most 80 characters)",
    "email.missing": (
        "Bitte eine E-Mail-Adresse angeben: Dorthin schicken wir den Link zum Videoraum. "
        "(email is required for video)"
    ),
    "email.invalid": "Diese E-Mail-Adresse ist nicht gültig. (not a valid e-mail address)",
    "phone.missing": "Für einen Rückruf brauchen wir eine Telefonnummer. (phone is required)",
    "phone.invalid": "Diese Telefonnummer können wir nicht anrufen. (not a callable number)",
    # why a number is refused: the reasons the phone menu speaks (hotline.telephony.phone_numbers)
    "phone.premium": (
        "Das ist eine kostenpflichtige Sondernummer; die können wir nicht anrufen. "
        "(premium-rate number)"
    ),
    "phone.shared_cost": (
        "Das ist eine Service-Nummer mit geteilten Kosten; die können wir nicht anrufen. "
        "(shared-cost number)"
    ),
    "phone.short": "Kurzwahlnummern können wir nicht anrufen. (short number)",
    "phone.emergency": (
        "Das ist eine Notrufnummer. In akuter Gefahr wählen Sie bitte den Notruf 110. "
        "(emergency number)"
    ),
    "phone.ours": (
        "Das ist die Nummer der starken Stelle selbst. Bitte geben Sie die Nummer an, unter "
        "der wir Sie erreichen. (the hotline's own number)"
    ),
    "consent.missing": (
        "Bitte bestätigen Sie, dass Sie den Datenschutzhinweis gelesen haben. "
        "(consent must be true)"
    ),
    "case_reference.invalid": (
        "Das Aktenzeichen hat 8 Ziffern und eine passende Prüfziffer, z. B. 1234 5678. "
        "(8 digits with a valid check digit)"
    ),
    "case_reference.unknown": "Zu diesem Aktenzeichen gibt es keinen Fall. (no such case)",
    "key.invalid": "Höchstens 200 Zeichen. (at most 200 characters)",
    "key.reused": (
        "Dieser Schlüssel gehört zu einer anderen Buchung. (this Idempotency-Key was used for "
        "another booking)"
    ),
    "from.invalid": "Bitte ein Datum im Format JJJJ-MM-TT angeben. (YYYY-MM-DD)",
    "days.invalid": "Bitte eine Zahl von 1 bis {most} angeben. (1 to {most})",
}

ERRORS = {
    "invalid_input": "Einige Angaben fehlen oder passen nicht. (some fields are invalid)",
    "invalid_json": "Der Inhalt ist kein JSON-Objekt. (the body is not a JSON object)",
    "slot_taken": (
        "Dieser Termin ist leider nicht mehr frei. Bitte wählen Sie eine andere Zeit. "
        "(the slot is no longer free)"
    ),
    "not_found": "Diesen Termin gibt es nicht (mehr). (no such appointment)",
    "rate_limited": (
        "Zu viele Anfragen. Bitte versuchen Sie es in einigen Minuten noch einmal. "
        "(too many requests)"
    ),
    "canceled": "Dieser Termin ist abgesagt. (the appointment is cancelled)",
    "callback_under_way": (
        "Dieser Rückruf läuft schon oder ist vorbei und kann nicht mehr abgesagt werden. "
        "(the callback is under way or over)"
    ),
    "method_not_allowed": "Diese Methode ist hier nicht erlaubt. (method not allowed)",
    "unsupported": "Diese Art von Termin gibt es hier nicht. (unsupported)",
    "unavailable": (
        "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal. "
        "(temporarily unavailable)"
    ),
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
