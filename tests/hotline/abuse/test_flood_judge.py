"""The flood judge (a scheduler job): flood mode switches itself on when the share of
withheld or new numbers, or the line's length, rises above the configured level, and off
after the configured calm; an admin's switch is not overruled. Every switch is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEntry
from scheduling.scheduler import jobs
from tests.support.protection import WITHHELD, Caller


@pytest.fixture
def hotline_config(tmp_path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text(
        "[abuse]\nflood_min_calls = 4\nflood_withheld_share = 0.5\nflood_line_length = 3\n"
        "flood_window_minutes = 10\nflood_calm_minutes = 20\n"
    )
    return str(path)


@pytest.fixture
def bound(dispatcher):
    jobs.bind(jobs.JobContext(dispatcher))
    yield
    jobs.bind(None)


def audit_details(svc) -> list[str]:
    with svc.database.transaction() as session:
        return [
            entry.detail for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_withheld_callers_switch_flood_mode_on_and_calm_switches_it_off(
    svc, twilio, hotline, clock, bound
):
    caller = Caller(twilio)
    for _ in range(3):
        caller.hangs_up(caller.rings(WITHHELD))
    assert jobs.judge_the_flood().calls == 3
    assert "ausgeschaltet" in hotline("flood", "status").output  # too few calls to judge
    caller.hangs_up(caller.rings(WITHHELD))

    signs = jobs.judge_the_flood()

    assert (signs.calls, signs.withheld_or_new) == (4, 4)
    assert "(automatisch, nach den Schwellen)" in hotline("flood", "status").output
    assert "Ziffern" in caller.rings(WITHHELD).last
    clock.advance(timedelta(minutes=11))  # the window is calm now
    jobs.judge_the_flood()
    clock.advance(timedelta(minutes=19))
    jobs.judge_the_flood()
    assert "eingeschaltet" in hotline("flood", "status").output
    clock.advance(timedelta(minutes=1))
    jobs.judge_the_flood()
    assert "ausgeschaltet seit" in hotline("flood", "status").output
    assert audit_details(svc)[-2:] == [
        "Schutz vor Anrufwellen eingeschaltet (automatisch, nach den Schwellen)",
        "Schutz vor Anrufwellen ausgeschaltet (automatisch, nach den Schwellen)",
    ]


def test_known_numbers_are_no_flood_and_an_admins_switch_holds(svc, twilio, hotline, clock, bound):
    caller = Caller(twilio)
    for number in ("+4915100000001", "+4915100000002"):
        caller.hangs_up(caller.rings(number))
    clock.advance(timedelta(minutes=30))  # now they are known numbers
    for number in ("+4915100000001", "+4915100000002", "+4915100000001", "+4915100000002"):
        caller.hangs_up(caller.rings(number))
    assert jobs.judge_the_flood().withheld_or_new == 0
    assert "ausgeschaltet" in hotline("flood", "status").output

    hotline("flood", "on")
    clock.advance(timedelta(hours=2))
    jobs.judge_the_flood()
    assert "(von Hand)" in hotline("flood", "status").output  # only an admin ends it
    hotline("flood", "off")
    for _ in range(5):
        caller.hangs_up(caller.rings(WITHHELD))
    jobs.judge_the_flood()
    assert "ausgeschaltet" in hotline("flood", "status").output  # the admin said off lately
    clock.advance(timedelta(minutes=5))
    for _ in range(5):
        caller.hangs_up(caller.rings(WITHHELD))
    clock.advance(timedelta(minutes=16))
    for _ in range(5):
        caller.hangs_up(caller.rings(WITHHELD))
    jobs.judge_the_flood()
    assert "(automatisch" in hotline("flood", "status").output
