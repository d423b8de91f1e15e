"""Why the service took a counsellor off duty: stored as a code and its parameters, it reads
word for word as the sentence stored before 0015 did, in the hotline's time whatever the
server's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.counsellors.models import Counsellor, OffDutyReason
from hotline.counsellors.wording import OFF_DUTY_REASONS, off_duty_params, off_duty_text
from hotline.sentences import local_time

BERLIN = ZoneInfo("Europe/Berlin")
AT = local_time(datetime(2026, 11, 26, 14, 59, tzinfo=UTC), BERLIN)  # 15:59 in Berlin


@pytest.mark.parametrize(
    ("passes", "sentence"),
    [
        (3, "3 angebotene Anrufe nacheinander nicht angenommen (26.11.2026, 15:59 Uhr)"),
        (1, "1 angebotener Anruf nacheinander nicht angenommen (26.11.2026, 15:59 Uhr)"),
    ],
)
def test_missed_offers_say_how_many_and_when(passes, sentence):
    params = off_duty_params(OffDutyReason.MISSED_OFFERS, {"passes": passes, "at": AT})
    assert off_duty_text(OffDutyReason.MISSED_OFFERS, params) == sentence
    counsellor = Counsellor(off_duty_code=OffDutyReason.MISSED_OFFERS, off_duty_params=params)
    assert counsellor.off_duty_reason == sentence


def test_every_reason_has_its_sentence_in_the_catalog():
    assert OFF_DUTY_REASONS.names() == set(OffDutyReason)


def test_a_reason_stored_before_0015_is_shown_as_it_was_and_none_is_none():
    old = "3 angebotene Anrufe nacheinander nicht angenommen (26.11.2026, 15:59 Uhr)"
    counsellor = Counsellor(off_duty_code=OffDutyReason.RECORDED, off_duty_params={"text": old})
    assert counsellor.off_duty_reason == old
    assert Counsellor(off_duty_code=None).off_duty_reason is None


@pytest.mark.parametrize(
    ("code", "params"),
    [
        (OffDutyReason.RECORDED, {"text": "krank"}),  # only 0015 writes those
        (OffDutyReason.MISSED_OFFERS, {"passes": "3", "at": AT}),
        (OffDutyReason.MISSED_OFFERS, {"passes": 3, "at": "26.11.2026, 15:59 Uhr"}),
        (OffDutyReason.MISSED_OFFERS, {"passes": 3}),
        ("tired", {}),
    ],
)
def test_nothing_but_what_the_sentence_needs_is_stored(code, params):
    with pytest.raises(ValueError):
        off_duty_params(code, params)
