"""The fixed lists a case is described with: federal state and topic. Codes are stored; the
German names are what people read (the codes are ISO 3166-2:DE without the "DE-")."""

from __future__ import annotations

FEDERAL_STATES: dict[str, str] = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}

FEDERAL_LEVEL = "BUND"  # an offer for the whole country
REGIONS: dict[str, str] = {**FEDERAL_STATES, FEDERAL_LEVEL: "Bund"}

TOPICS: dict[str, str] = {
    "online_hate": "Hass im Netz",
    "threat": "Bedrohung",
    "insult": "Beleidigung, Verleumdung",
    "violence": "Körperliche Gewalt",
    "property": "Sachbeschädigung",
    "stalking": "Nachstellung",
    "family": "Angehörige betroffen",
    "other": "Sonstiges",
}

OFFER_CATEGORIES: dict[str, str] = {
    "victim_support": "Opferberatung",
    "legal": "Rechtsberatung",
    "police": "Polizei, Prävention",
    "psychological": "Psychologische Unterstützung",
    "digital": "Digitale Sicherheit",
    "association": "Kommunale Spitzenverbände",
    "other": "Sonstiges",
}

STATUS_NAMES: dict[str, str] = {
    "new": "neu",
    "in_progress": "in Bearbeitung",
    "referred": "weitervermittelt",
    "follow_up_due": "Nachfrage fällig",
    "closed": "abgeschlossen",
}
