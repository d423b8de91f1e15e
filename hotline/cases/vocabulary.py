"""The fixed lists a case is described with: federal state and topic, and the names of its
statuses. Codes are stored; the German names are what people read, from
`hotline/texts/vocabulary.toml` (the codes are ISO 3166-2:DE without the "DE-")."""

from __future__ import annotations

from hotline.texts import text, words

FEDERAL_STATES = words("vocabulary.federal_states")

FEDERAL_LEVEL = "BUND"  # an offer for the whole country
REGIONS = {**FEDERAL_STATES, FEDERAL_LEVEL: text("vocabulary.federal_level")}

TOPICS = words("vocabulary.topics")
OFFER_CATEGORIES = words("vocabulary.offer_categories")
STATUS_NAMES = words("vocabulary.case_statuses")
