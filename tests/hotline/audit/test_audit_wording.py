"""What an audit log entry says: each message, made from its parameters when the log is shown,
reads word for word as the detail the console stored before 0015 did; what may be stored is
only what the sentence needs (ids, codes, dates, never prose or contact details)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hotline.audit.models import AuditEntry, AuditMessage
from hotline.audit.wording import MESSAGES, audit_params, audit_text, case_change, contact
from hotline.cases.event_texts import VARIANT
from hotline.sentences import local_time

BERLIN = ZoneInfo("Europe/Berlin")
TWO_PM = local_time(datetime(2026, 11, 26, 13, 0, tzinfo=UTC), BERLIN)  # 14:00 in Berlin
ROOT = Path(__file__).resolve().parents[3]

SENTENCES = [
    (AuditMessage.ACCOUNT_ADDED, {"id": 3, "role": "admin"}, "Konto 3 angelegt (admin)"),
    (AuditMessage.ACCOUNT_CHANGED, {"id": 3, "action": "disable"}, "Konto 3: disable"),
    (AuditMessage.COUNSELLOR_ON_DUTY, {"id": 2}, "Berater:in 2: im Dienst"),
    (AuditMessage.COUNSELLOR_OFF_DUTY, {"id": 2}, "Berater:in 2: nicht im Dienst"),
    (AuditMessage.DISPLAY_NAME_CHANGED, {"id": 2}, "Berater:in 2: Anzeigename geändert"),
    (AuditMessage.ABSENCE, {"id": 2}, "Berater:in 2: Abwesenheit eingetragen"),
    (AuditMessage.AVAILABILITY, {"id": 2}, "Berater:in 2: Verfügbarkeit geändert"),
    (AuditMessage.OFFER_SAVED, {"id": 7}, "Angebot 7 gespeichert"),
    (
        AuditMessage.OVERRIDE_SET,
        {"state": "closed", "until": TWO_PM, "announcement": "announced"},
        "Ausnahme eingetragen: geschlossen bis 26.11.2026 14:00, mit Ansage",
    ),
    (
        AuditMessage.OVERRIDE_SET,
        {"state": "open", "until": TWO_PM, "announcement": "unannounced"},
        "Ausnahme eingetragen: geöffnet bis 26.11.2026 14:00, ohne Ansage",
    ),
    (AuditMessage.OVERRIDES_CLEARED, {}, "Ausnahmen aufgehoben"),
    (
        AuditMessage.CALLER_BLOCKED,
        {"id": 5, "until": TWO_PM},
        "Anrufer gesperrt: Sperre 5 bis 26.11.2026 14:00",
    ),
    (AuditMessage.BLOCK_LIFTED, {"id": 5}, "Sperre 5 aufgehoben"),
    (AuditMessage.BLOCK_EXPIRED, {"id": 5}, "Sperre 5 abgelaufen"),
    (AuditMessage.FLOOD_ON, {"how": "by_hand"}, "Schutz vor Anrufwellen eingeschaltet (von Hand)"),
    (
        AuditMessage.BOOKINGS_HELD,
        {"how": "thresholds"},
        "Buchungen werden zurückgehalten (automatisch, nach den Schwellen): nur noch mit "
        "Bestätigung per E-Mail",
    ),
    (
        AuditMessage.BOOKINGS_RELEASED,
        {"how": "by_hand"},
        "Buchungen nicht mehr zurückgehalten (von Hand)",
    ),
    (
        AuditMessage.FLOOD_OFF,
        {"how": "thresholds"},
        "Schutz vor Anrufwellen ausgeschaltet (automatisch, nach den Schwellen)",
    ),
    (AuditMessage.ON_DUTY, {}, "im Dienst"),
    (AuditMessage.OFF_DUTY, {}, "nicht im Dienst"),
    (AuditMessage.CALLED_BACK, {"id": 12}, "Rückruf 12"),
    (AuditMessage.APPOINTMENT_CANCELED, {"id": 4}, "Termin 4 abgesagt"),
    (AuditMessage.APPOINTMENT_MOVED, {"id": 4}, "Termin 4 verlegt"),
    (AuditMessage.APPOINTMENT_EMAIL, {"id": 4}, "Termin 4: E-Mail-Adresse eingetragen"),
    (AuditMessage.APPOINTMENT_NO_SHOW, {"id": 4}, "Termin 4: niemand erschienen"),
    (
        AuditMessage.STATISTICS_EXPORTED,
        {"first": "2026-11-01", "last": "2026-11-30"},
        "Statistik 01.11.2026–30.11.2026",
    ),
    (AuditMessage.LOGIN_REFUSED, {"reason": "locked"}, "locked"),
    (
        AuditMessage.REVEALED,
        {"contact": contact("callback_phone", 1)},
        "Rückruf 1: Nummer",
    ),
    (
        AuditMessage.REVEALED,
        {"contact": contact("appointment_email", 4)},
        "Termin 4: E-Mail",
    ),
    (
        AuditMessage.CASE_CHANGED,
        {"change": case_change("status_changed", {"old_status": "new", "new_status": "closed"})},
        "Status: neu → abgeschlossen",
    ),
    (
        AuditMessage.CASE_CHANGED,
        {"change": case_change("assigned", {VARIANT: "to", "counsellor": "Anna"})},
        "Zuständig: Anna",
    ),
    (
        AuditMessage.CASE_CHANGED,
        {
            "change": case_change(
                "referred",
                {VARIANT: "without_follow_up", "offer": "Rechtsberatung", "region": "BUND"},
            )
        },
        "Weitervermittelt an Rechtsberatung (Bund)",
    ),
    (AuditMessage.FOLLOW_UP_RECORDED, {}, "Nachfrage eingetragen"),
    # the caller's rights (issue 26): the one typed parameter, the admin's reason
    (AuditMessage.CASE_EXPORTED, {"why": "Antrag vom 3.12."}, "Auskunft erteilt: Antrag vom 3.12."),
    (
        AuditMessage.ERASURE_REQUESTED,
        {"id": 2, "why": "Antrag vom 3.12."},
        "Löschung 2 beantragt: Antrag vom 3.12.",
    ),
    (AuditMessage.ERASURE_WITHDRAWN, {"id": 2}, "Löschung 2 zurückgezogen"),
    (
        AuditMessage.ERASURE_CONFIRMED,
        {"id": 2, "why": "Antrag vom 3.12."},
        "Löschung 2 bestätigt und ausgeführt: Antrag vom 3.12.",
    ),
]


@pytest.mark.parametrize(("message", "params", "sentence"), SENTENCES)
def test_each_message_says_what_its_stored_detail_said(message, params, sentence):
    assert audit_params(message, params) == params  # may be stored as it is
    assert audit_text(message, params) == sentence
    assert AuditEntry(message=message, params=params).detail == sentence


@pytest.mark.parametrize("why", ["", "ab", " Antrag", "Antrag\nvom 3.12.", "x" * 301, 12])
def test_a_reason_is_one_line_of_3_to_300_characters(why):
    with pytest.raises(ValueError):
        audit_params(AuditMessage.CASE_EXPORTED, {"why": why})


def test_every_message_has_its_sentence_in_the_catalog_and_every_sentence_its_message():
    assert MESSAGES.names() == set(AuditMessage)
    shown = {message for message, _, _ in SENTENCES}
    assert shown == set(AuditMessage) - {AuditMessage.RECORDED}  # only 0015 writes those


def test_every_message_the_code_names_is_one_the_catalog_has():
    """`AuditMessage.X` in a module would fail on import if X were missing; this also finds
    a message named by its string."""
    named = set()
    for package in ("hotline", "scheduling", "web", "webhooks", "ivr_flows"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                is_message = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                if is_message and node.value.id == "AuditMessage":
                    named.add(node.attr)
    assert named, "no module names a message"
    assert {AuditMessage[name].value for name in named} <= MESSAGES.names()


def test_an_entry_stored_before_0015_says_its_detail_and_one_without_nothing():
    old = {"text": "Konto 3 angelegt (admin) (alte Formulierung)"}
    assert audit_text(AuditMessage.RECORDED, old) == old["text"]
    assert AuditEntry(message=AuditMessage.RECORDED, params=old).detail == old["text"]
    assert AuditEntry(message=None, params=None).detail == ""


@pytest.mark.parametrize(
    ("message", "params"),
    [
        (AuditMessage.RECORDED, {"text": "Konto 3 angelegt"}),  # only 0015 writes those
        (AuditMessage.OFFER_SAVED, {"id": "7"}),  # a number, not text
        (AuditMessage.OFFER_SAVED, {"id": 7, "name": "Opferberatung"}),  # more than it takes
        (AuditMessage.OFFER_SAVED, {}),  # the id is missing
        (AuditMessage.ACCOUNT_ADDED, {"id": 3, "role": "Leitung der Beratung"}),  # prose
        (AuditMessage.LOGIN_REFUSED, {"reason": "anna@example.org"}),
        (AuditMessage.OVERRIDE_SET, {"state": "zu", "until": TWO_PM, "announcement": "announced"}),
        (
            AuditMessage.OVERRIDE_SET,
            {"state": "open", "until": "26.11.2026 14:00", "announcement": "announced"},
        ),
        (AuditMessage.STATISTICS_EXPORTED, {"first": "01.11.2026", "last": "2026-11-30"}),
        (AuditMessage.REVEALED, {"contact": "Rückruf 1: Nummer"}),
        (AuditMessage.REVEALED, {"contact": {"field": "callback_phone", "id": 1, "value": "0151"}}),
        (AuditMessage.REVEALED, {"contact": contact("callback_address", 1)}),
        (AuditMessage.CASE_CHANGED, {"change": "Status: neu → abgeschlossen"}),
        (
            AuditMessage.CASE_CHANGED,
            {"change": case_change("assigned", {VARIANT: "to", "counsellor": "Anna 0151 2345678"})},
        ),
        (AuditMessage.CASE_CHANGED, {"change": case_change("chatted", {})}),
        ("no_such_message", {}),
    ],
)
def test_nothing_but_what_the_sentence_needs_is_stored(message, params):
    with pytest.raises(ValueError):
        audit_params(message, params)


def test_an_entry_whose_sentence_left_the_catalog_still_shows_what_it_knows():
    assert audit_text("gone", {"id": 2}) == "gone: id=2"
