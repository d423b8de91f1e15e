"""What operators see of the scheduler: /healthz figures, `hotline scheduler status`,
`hotline work list|retry`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline.clock import SystemClock
from hotline.outbox import side_effects
from hotline.scheduler.config import SchedulerConfig
from scheduling.scheduler import nodes
from scheduling.scheduler.leadership import make_leadership

CONFIG = SchedulerConfig()  # takeover_seconds = 30: silent for 30 s is unreachable


def test_healthz_reports_the_schedulers_heartbeat_and_overdue_work(client, svc, clock, factories):
    nodes.register(svc.database, "host:1:abcd", clock.now())
    beat(svc, "host:1:abcd", clock.now(), active=True)
    factories.queued(side_effects.end_call("end:1", call_sid="CA" + "1" * 32, due_at=clock.now()))
    clock.advance(timedelta(minutes=5))
    answer = client.get("/healthz")
    assert answer.status_code == 200  # the web node is healthy; monitoring alerts on these
    assert answer.get_json()["scheduler"] == {
        "heartbeat_age_seconds": 300,
        "oldest_overdue_work_seconds": 300,
    }


def test_dead_work_is_listed_without_personal_data_and_can_be_retried(
    hotline, clock, factories, dispatcher, fake_twilio
):
    fake_twilio.fail_next(400)
    item = factories.queued(
        side_effects.place_call(
            "callback:7:attempt:1", to="+4922812345678", answer_path="whisper", due_at=clock.now()
        )
    )
    dispatcher.dispatch_due()
    listing = hotline("work", "list", "--state", "dead")
    assert listing.exit_code == 0, listing.output
    assert f"{item.id}   Anruf aufbauen  aufgegeben" in listing.output
    assert "callback:7:attempt:1" in listing.output and "Twilio answered 400" in listing.output
    assert "12345678" not in listing.output
    pending = hotline("work", "list", "--state", "pending").output
    assert "keine Arbeit im Zustand „ausstehend“" in pending

    retried = hotline("work", "retry", str(item.id))
    assert retried.exit_code == 0 and "neu eingereiht" in retried.output
    assert factories.work_item(item.id).state == "pending"
    again = hotline("work", "retry", str(item.id))
    assert again.exit_code == 1 and "weder aufgegeben noch fehlgeschlagen" in again.output


@pytest.fixture
def status_on_test_clock(hotline, clock, monkeypatch):
    """`hotline scheduler status` reading the test's clock (the CLI builds its app with the
    system clock)."""
    monkeypatch.setattr(SystemClock, "now", lambda _self: clock.now())
    return lambda: hotline("scheduler", "status")


def beat(svc, node: str, at, *, active: bool = False) -> None:
    nodes.heartbeat(svc.database, node, at, active=active, forget_after=CONFIG.forget_node_after)


def test_status_shows_when_each_scheduler_was_last_seen_and_a_silent_one_is_no_standby(
    status_on_test_clock, svc, clock
):
    """09:59:00 all three start; at 10:00:00 the active one and one standby write their
    heartbeats, the other standby was killed at 09:59:10 (`kill -9`: no goodbye)."""
    start = clock.now() - timedelta(minutes=1)
    active, standby, killed = "alpha:101:aaaa", "beta:202:bbbb", "gamma:303:cccc"
    for node in (active, standby, killed):
        nodes.register(svc.database, node, start)
    beat(svc, killed, start + timedelta(seconds=10))
    lead = make_leadership(svc.database, active, clock, CONFIG.leadership_lease)
    assert lead.try_acquire()
    try:
        beat(svc, standby, clock.now() - timedelta(seconds=1))
        beat(svc, active, clock.now(), active=True)

        clock.advance(timedelta(seconds=5))  # 10:00:05; gamma silent for 55 s
        status = status_on_test_clock()
        assert status.exit_code == 0, status.output
        shown = status.output
        assert "aktiv         alpha pid 101  zuletzt gesehen 26.11. 10:00:00 (vor 5 s)" in shown
        assert "Bereitschaft  beta pid 202  zuletzt gesehen 26.11. 09:59:59 (vor 6 s)" in shown
        assert "nicht erreichbar seit 26.11. 09:59:10 (vor 55 s)  gamma pid 303" in shown
        assert "Bereitschaft  gamma" not in shown and "Kein Scheduler läuft" not in shown

        # five minutes (10 x takeover_seconds) after its last heartbeat its row goes
        clock.set(start + timedelta(seconds=10) + CONFIG.forget_node_after + timedelta(seconds=1))
        beat(svc, active, clock.now(), active=True)
        assert [node.id for node in nodes.nodes(svc.database)] == [active, standby]
        assert "gamma" not in status_on_test_clock().output
    finally:
        lead.release()


def test_status_says_no_scheduler_runs_when_all_have_fallen_silent(
    status_on_test_clock, svc, clock
):
    nodes.register(svc.database, "alpha:101:aaaa", clock.now())
    beat(svc, "alpha:101:aaaa", clock.now(), active=True)
    clock.advance(timedelta(seconds=31))
    output = status_on_test_clock().output
    assert "Kein Scheduler läuft" in output
    assert "nicht erreichbar seit 26.11. 10:00:00 (vor 31 s)  alpha pid 101" in output
    assert "aktiv" not in output
