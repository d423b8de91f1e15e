"""The staff side's catalog (hotline/texts/): every text read once, addressed by key; each set
of codes the service stores has a word for every code, so that a renamed key in a TOML file
fails here and not on a console page."""

from __future__ import annotations

import string
from enum import StrEnum

import pytest

from hotline.appointments.models import AppointmentState
from hotline.audit.models import AuditAction
from hotline.callbacks.models import CallbackState
from hotline.cases.events import CaseEventKind
from hotline.cases.models import CaseStatus
from hotline.outbox.models import WorkState
from hotline.routing.line import EntryKind
from hotline.routing.states import CounsellorState
from hotline.staff.models import StaffRole
from hotline.telephony.models import CallOutcome
from hotline.texts import sequence, text, texts, words
from scheduling.hours.opening_hours import ClosedReason

CODE_TABLES: list[tuple[str, type[StrEnum]]] = [
    ("callbacks.states", CallbackState),
    ("vocabulary.case_statuses", CaseStatus),
    ("outbox.states", WorkState),
    ("appointments.states", AppointmentState),
    ("staff.roles", StaffRole),
    ("console.audit_actions", AuditAction),
    ("cases.call_outcomes", CallOutcome),
    ("cli.hours.reasons", ClosedReason),
    ("routing.entry_kinds", EntryKind),
    ("routing.counsellor_states", CounsellorState),
]


@pytest.mark.parametrize(("prefix", "codes"), CODE_TABLES)
def test_every_stored_code_has_its_word(prefix, codes):
    assert {code.value for code in codes} <= set(words(prefix))


def test_every_kind_of_work_has_its_name():
    from scheduling.scheduler.kind_table import build_work_kinds

    shown_by_code = {"distribute"}  # `hotline work list` has always shown it as it is named
    named = {kind.name for kind in build_work_kinds()} - shown_by_code
    assert named <= set(words("outbox.kinds"))


def test_every_kind_of_timeline_entry_has_its_sentences():
    kinds = {key.split(".")[1] for key in texts() if key.startswith("timeline.")}
    assert kinds == {kind.value for kind in CaseEventKind}


def test_every_text_is_filled_and_its_placeholders_are_names():
    for key in texts():
        assert texts()[key].strip() or key == "cases.offer_gone", key
        for _, field, _, _ in string.Formatter().parse(texts()[key]):
            assert field is None or field.isidentifier() or field.split(".")[0].isidentifier()


def test_texts_are_addressed_by_key_with_their_values():
    assert text("cases.refused.notes_too_long", most=4000) == (
        "Die Notizen sind länger als 4000 Zeichen."
    )
    # a value may be called "key": the key itself is positional only
    assert text("directory.refused.missing", key="name") == "„name“ fehlt"
    assert words("callbacks.states")["booked"] == "gebucht"
    assert sequence("calendar.weekdays.de")[0] == "Montag"
    with pytest.raises(KeyError):
        words("callbacks.no_such_table")
    with pytest.raises(TypeError):
        words("callbacks.states")["booked"] = "anders"  # type: ignore[index]
