"""Due callbacks with two real `hotline scheduler` processes: each counsellor's phone rings
exactly once per attempt, however the two processes race."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from hotline.app import units_of
from hotline.callbacks.models import CallbackAttempt
from hotline.telephony.phone_numbers import callback_number
from scheduling.hours.overrides import set_override
from tests.support.processes import wait_for

COUNSELLORS = 12


def test_every_due_callback_rings_one_counsellor_once_with_two_schedulers(
    app, svc, clock, schedulers, fake_twilio, create_counsellor
):
    now = datetime.now(UTC)  # the processes run on real time
    clock.set(now)
    for index in range(COUNSELLORS):
        create_counsellor(f"Beraterin {index}", phone=f"+49 228 {1000000 + index}")
    with svc.database.transaction() as session:  # whatever the day: the line is open
        set_override(session, is_open=True, until=now + timedelta(hours=1), note="Test", now=now)
        desk = units_of(app).within(session, now=now).callbacks
        for index in range(COUNSELLORS):
            callback_id = desk.take_number(
                f"CA{index:032d}",
                callback_number(
                    f"+49 151 {20000000 + index}", hotline_number=svc.settings.hotline_number
                ),
            )
            desk.book_as_soon_as_possible(callback_id)
    schedulers.start(), schedulers.start()

    wait_for(
        lambda: len(fake_twilio.calls_created()) >= COUNSELLORS,
        60,
        "every callback to ring a counsellor",
    )
    wait_for(lambda: _all_attempts_rung(svc), 20, "the attempts to record their rings")
    legs = fake_twilio.calls_created()
    assert len(legs) == COUNSELLORS
    assert [n for n, c in fake_twilio.requests_per_work_item().items() if c != 1] == []
    attempts = Counter(parse_qs(urlsplit(leg["Url"][0]).query)["attempt"][0] for leg in legs)
    assert len(attempts) == COUNSELLORS and set(attempts.values()) == {1}
    counsellors = Counter(leg["To"][0] for leg in legs)
    assert len(counsellors) == COUNSELLORS  # nobody rung for two callbacks at once


def _all_attempts_rung(svc) -> bool:
    with svc.database.transaction() as session:
        rings = session.scalars(select(CallbackAttempt.ring_work_id)).all()
    return len(rings) == COUNSELLORS and all(rings)
