"""What a case's timeline says: each kind of entry, made from its parameters when shown,
reads word for word as the sentences stored before 0014 did; what may be stored is only what
the sentence needs (no prose, no contact details)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.cases.event_texts import LEGACY_TEXT, VARIANT, checked_params, event_text, local_time
from hotline.cases.events import CaseEventKind as Kind
from hotline.texts import texts

BERLIN = ZoneInfo("Europe/Berlin")
NINE = local_time(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), BERLIN)  # 09:00 in Berlin
HALF_PAST_TEN = local_time(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), BERLIN)

SENTENCES = [
    (Kind.CALLBACK_BOOKED, {"when": NINE}, "Rückruf gebucht für 30.11.2026, 09:00 Uhr"),
    (
        Kind.CALLBACK_ATTEMPT,
        {VARIANT: "now", "attempt": 2, "counsellor": "Anna Kowalczyk"},
        "Versuch 2: jetzt zurückrufen (Anna Kowalczyk)",
    ),
    (
        Kind.CALLBACK_ATTEMPT,
        {VARIANT: "unreached", "attempt": 1, "reason": "busy"},
        "Versuch 1: nicht erreicht (besetzt)",
    ),
    (
        Kind.CALLBACK_ATTEMPT,
        {VARIANT: "unreached", "attempt": 1, "reason": "no-answer"},
        "Versuch 1: nicht erreicht (niemand nahm ab)",
    ),
    (
        Kind.CALLBACK_ATTEMPT,
        {VARIANT: "passed_on", "attempt": 3},
        "Versuch 3: Berater:in nicht erreicht, weiter an die nächste",
    ),
    (Kind.CALLBACK_DONE, {"attempt": 2}, "Rückruf geführt (Versuch 2)"),
    (Kind.CALLBACK_CANCELED, {VARIANT: "by_staff"}, "Rückruf abgesagt"),
    (Kind.CALLBACK_CANCELED, {VARIANT: "by_booker"}, "Rückruf über den Link abgesagt"),
    (
        Kind.CALLBACK_FAILED,
        {VARIANT: "unreached", "attempts": 1},
        "Rückruf nach 1 Versuch nicht erreicht",
    ),
    (
        Kind.CALLBACK_FAILED,
        {VARIANT: "unreached", "attempts": 3},
        "Rückruf nach 3 Versuchen nicht erreicht",
    ),
    (
        Kind.CALLBACK_FAILED,
        {VARIANT: "nobody_took_it", "attempt": 2},
        "Rückruf von niemandem übernommen (Versuch 2)",
    ),
    (
        Kind.CALLBACK_FAILED,
        {VARIANT: "no_opening"},
        "Rückruf nicht möglich: keine Öffnungszeit in Sicht",
    ),
    (Kind.FOLLOW_UP, {}, "Bitte nachfassen: Rückruf gescheitert"),
    (Kind.APPOINTMENT_BOOKED, {"when": NINE}, "Videotermin gebucht für 30.11.2026 09:00"),
    (Kind.APPOINTMENT_CANCELED, {"when": NINE}, "Videotermin am 30.11.2026 09:00 abgesagt"),
    (
        Kind.APPOINTMENT_NO_SHOW,
        {"when": NINE},
        "Zum Termin am 30.11.2026 09:00 niemand erschienen",
    ),
    (
        Kind.APPOINTMENT_MOVED,
        {"was": NINE, "when": HALF_PAST_TEN},
        "Videotermin verlegt vom 30.11.2026 09:00 auf 01.12.2026 10:30",
    ),
    (Kind.PHONE_APPOINTMENT_BOOKED, {"when": NINE}, "Telefontermin gebucht für 30.11.2026 09:00"),
    (
        Kind.PHONE_APPOINTMENT_CANCELED,
        {"when": NINE},
        "Telefontermin am 30.11.2026 09:00 abgesagt",
    ),
    (
        Kind.PHONE_APPOINTMENT_MOVED,
        {"was": NINE, "when": HALF_PAST_TEN},
        "Telefontermin verlegt vom 30.11.2026 09:00 auf 01.12.2026 10:30",
    ),
    (Kind.PHONE_APPOINTMENT_CALL_DONE, {"attempt": 1}, "Telefontermin geführt (Versuch 1)"),
    (
        Kind.PHONE_APPOINTMENT_CALL_FAILED,
        {VARIANT: "unreached", "attempts": 3},
        "Telefontermin: nach 3 Versuchen nicht erreicht",
    ),
    (
        Kind.PHONE_APPOINTMENT_CALL_FAILED,
        {VARIANT: "nobody_took_it", "attempt": 2},
        "Telefontermin von niemandem übernommen (Versuch 2)",
    ),
    (
        Kind.STATUS_CHANGED,
        {"old_status": "in_progress", "new_status": "closed"},
        "Status: in Bearbeitung → abgeschlossen",
    ),
    (Kind.ASSIGNED, {VARIANT: "to", "counsellor": "Anna"}, "Zuständig: Anna"),
    (Kind.ASSIGNED, {VARIANT: "nobody"}, "Zuständigkeit aufgehoben"),
    (
        Kind.DETAILS_CHANGED,
        {"fields": ["federal_state", "topic", "notes"]},
        "Angaben geändert: Bundesland, Thema, Notizen",
    ),
    (
        Kind.REFERRED,
        {
            VARIANT: "with_follow_up",
            "offer": "BEISPIEL Opferberatung",
            "region": "NW",
            "follow_up": "2026-12-03",
        },
        "Weitervermittelt an BEISPIEL Opferberatung (Nordrhein-Westfalen); Nachfrage am 03.12.2026",
    ),
    (
        Kind.REFERRED,
        {VARIANT: "without_follow_up", "offer": "Rechtsberatung", "region": "BUND"},
        "Weitervermittelt an Rechtsberatung (Bund)",
    ),
    (Kind.FOLLOW_UP_DUE, {"offer": "Rechtsberatung"}, "Nachfrage fällig: Rechtsberatung"),
    (Kind.FOLLOW_UP_DONE, {"offer": "Rechtsberatung"}, "Nachfrage zu Rechtsberatung erledigt"),
    (Kind.MERGED, {VARIANT: "from", "other": "12345678"}, "Fall 1234 5678 hierher zusammengeführt"),
    (Kind.MERGED, {VARIANT: "into", "other": "12345678"}, "Zusammengeführt in Fall 1234 5678"),
]


@pytest.mark.parametrize(("kind", "params", "sentence"), SENTENCES)
def test_each_entry_says_what_its_stored_sentence_said(kind, params, sentence):
    assert checked_params(kind, params) == params  # may be stored as it is
    assert event_text(kind, params) == sentence


def test_every_kind_of_entry_has_its_sentences_in_the_catalog():
    kinds = {key.split(".")[1] for key in texts() if key.startswith("timeline.")}
    assert kinds == set(Kind)
    assert {kind for kind, _, _ in SENTENCES} == set(Kind)


def test_an_entry_shows_the_time_as_it_was_booked_whatever_the_zone_it_is_read_in():
    """The parameter carries the hotline's offset: a server in UTC shows Berlin time."""
    assert NINE == "2026-11-30T09:00:00+01:00"
    assert event_text(Kind.CALLBACK_BOOKED, {"when": NINE}).endswith("09:00 Uhr")


def test_entries_stored_before_0014_say_their_sentence_and_anonymised_ones_nothing():
    old = {LEGACY_TEXT: "Rückruf gebucht für 30.11.2026, 09:00 Uhr (alte Formulierung)"}
    assert event_text(Kind.CALLBACK_BOOKED, old) == old[LEGACY_TEXT]
    assert event_text(Kind.CALLBACK_BOOKED, None) == ""


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (Kind.FOLLOW_UP, {"note": "Anruferin wirkte bedrückt"}),  # prose of its own
        (Kind.CALLBACK_DONE, {}),  # the attempt is missing
        (Kind.CALLBACK_DONE, {"attempt": "2"}),  # a number, not text
        (Kind.CALLBACK_ATTEMPT, {VARIANT: "unreached", "attempt": 1, "reason": "rief 0151 2"}),
        (Kind.CALLBACK_ATTEMPT, {VARIANT: "chatted", "attempt": 1}),  # no such sentence
        (Kind.ASSIGNED, {VARIANT: "to", "counsellor": "Anna, 0151 23456789"}),
        (Kind.ASSIGNED, {VARIANT: "to", "counsellor": "+49 30 1234567"}),
        (Kind.FOLLOW_UP_DUE, {"offer": "Beratung\nzweite Zeile"}),  # one line only
        (Kind.CALLBACK_BOOKED, {"when": "30.11.2026, 09:00 Uhr"}),  # rendered, not a time
        (Kind.CALLBACK_BOOKED, {"when": "2026-11-30T09:00:00"}),  # without its offset
        (Kind.STATUS_CHANGED, {"old_status": "new", "new_status": "in Bearbeitung"}),
        (Kind.DETAILS_CHANGED, {"fields": ["Telefonnummer"]}),
        (Kind.MERGED, {VARIANT: "into", "other": "Fall 1234"}),
        (Kind.CALLBACK_BOOKED, {LEGACY_TEXT: "Rückruf gebucht"}),  # only 0014 writes those
    ],
)
def test_nothing_but_what_the_sentence_needs_is_stored(kind, params):
    with pytest.raises(ValueError):
        checked_params(kind, params)


def test_an_entry_whose_sentence_left_the_catalog_still_shows_what_it_knows():
    said = event_text(Kind.CALLBACK_ATTEMPT, {VARIANT: "gone", "attempt": 2})
    assert said == "callback_attempt: variant=gone, attempt=2"


def test_an_offer_named_with_its_own_number_can_be_referred_to():
    """Directory names are public and may carry the organisation's number."""
    params = {VARIANT: "without_follow_up", "offer": "Hilfetelefon 08000 116 016", "region": "BUND"}
    assert "Hilfetelefon 08000 116 016" in event_text(
        Kind.REFERRED, checked_params(Kind.REFERRED, params)
    )
