"""The words of the calls on a case's timeline, of the changed details and of follow-up
mails, from `hotline/texts/cases.toml` (the timeline's own sentences are in
`timeline.toml`)."""

from __future__ import annotations

from hotline.texts import words

CALL_OUTCOMES = words("cases.call_outcomes")
FIELD_NAMES = words("cases.fields")
