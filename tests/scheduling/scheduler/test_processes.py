"""Two `hotline scheduler` processes: one acts, the other waits, and takes over after kill -9.

Real processes against the test database and the local fake Twilio server, which reports on
every call it "places" to the service's status webhook (served here), as Twilio does.
"""

from __future__ import annotations

import re
import signal
import time
from datetime import UTC, datetime

from sqlalchemy import select

from hotline.outbox import side_effects
from hotline.outbox.models import WorkItem, WorkState
from hotline.outbox.queue import enqueue
from scheduling.scheduler import nodes
from tests.support.processes import wait_for


def queue_calls(svc, count: int) -> None:
    now = datetime.now(UTC)  # the processes run on real time
    with svc.database.transaction() as session:
        for number in range(count):
            work = side_effects.place_call(
                f"process-test:{number}", to="+4922812345678", answer_path="whisper", due_at=now
            )
            enqueue(session, svc.cipher, now, work)


def done_items(svc) -> list[WorkItem]:
    """The calls this test queued that are done. Only those: the live server that logs their
    status callbacks runs on the test's fixed clock, so with the system clock moved ahead (CI)
    the scheduler's retention sweep finds those calls old and queues deletions of Twilio's
    records of them, which are work too."""
    with svc.database.transaction() as session:
        return list(
            session.scalars(
                select(WorkItem).where(
                    WorkItem.state == WorkState.DONE, WorkItem.kind == "place_call"
                )
            )
        )


def active_nodes(svc) -> list[nodes.NodeStatus]:
    return [node for node in nodes.nodes(svc.database) if node.active]


def scheduler_status(database_url: str, tmp_path, hotline_config: str = "") -> str:
    """`hotline scheduler status` as an operator runs it beside the processes."""
    from click.testing import CliRunner

    from hotline.cli import main
    from tests.support.twilio import DATA_KEY

    result = CliRunner().invoke(
        main,
        ["scheduler", "status"],
        env={
            "HOTLINE_ENV": "development",
            "DATABASE_URL": database_url,
            "HOTLINE_DATA_KEY": DATA_KEY,
            "HOTLINE_INSTANCE_PATH": str(tmp_path / "cli"),
            "HOTLINE_CONFIG": hotline_config,
        },
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_one_scheduler_acts_the_standby_takes_over_after_kill_9_and_nothing_runs_twice(
    svc, schedulers, fake_twilio
):
    fake_twilio.delay_seconds = 0.02  # long enough to kill the active one mid-queue
    first, second = schedulers.start(), schedulers.start()
    wait_for(lambda: len(nodes.nodes(svc.database)) == 2, 20, "both schedulers to register")
    (active,) = wait_for(lambda: active_nodes(svc), 20, "one active scheduler")
    time.sleep(0.5)
    assert len(active_nodes(svc)) == 1

    queue_calls(svc, 200)
    wait_for(lambda: len(done_items(svc)) >= 40, 20, "the active one to work")
    victim = first if active.pid == first.pid else second
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = time.monotonic()
    before_kill = {item.claimed_by for item in done_items(svc)}
    assert before_kill == {active.id}

    (successor,) = wait_for(
        lambda: [n for n in active_nodes(svc) if n.id != active.id], 30, "the standby to take over"
    )
    took_over_after = time.monotonic() - killed_at
    assert took_over_after < 30
    wait_for(lambda: len(done_items(svc)) == 200, 60, "all 200 items to be done")

    per_item = fake_twilio.requests_per_work_item()
    assert len(per_item) == 200
    assert [item for item, count in per_item.items() if count != 1] == []
    assert {item.claimed_by for item in done_items(svc)} <= {active.id, successor.id}


def test_a_stopped_scheduler_leaves_cleanly_and_the_status_command_names_the_active_one(
    svc, schedulers, database_url, tmp_path
):
    process = schedulers.start()
    (active,) = wait_for(lambda: active_nodes(svc), 20, "the scheduler to become active")
    status = scheduler_status(database_url, tmp_path)
    assert f"aktiv         {active.host} pid {active.pid}" in status
    assert "Arbeit: ausstehend 0, läuft 0, erledigt 0" in status

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    assert nodes.nodes(svc.database) == []
    assert "scheduler stopped" in schedulers.log_of(0)


def test_a_standby_killed_with_kill_9_is_shown_as_unreachable_within_the_takeover_time(
    svc, schedulers, database_url, tmp_path
):
    def status() -> str:  # with the schedulers' own configuration
        return scheduler_status(database_url, tmp_path, str(tmp_path / "hotline.toml"))

    first, second = schedulers.start(), schedulers.start()
    wait_for(lambda: len(nodes.nodes(svc.database)) == 2, 20, "both schedulers to register")
    (active,) = wait_for(lambda: active_nodes(svc), 20, "one active scheduler")
    (standby,) = [node for node in nodes.nodes(svc.database) if node.id != active.id]
    assert f"Bereitschaft  {standby.host} pid {standby.pid}" in status()

    victim = first if standby.pid == first.pid else second
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = time.monotonic()
    # takeover_seconds = 3 (tests/scheduling/conftest.py): silent for 3 s is unreachable
    shown = wait_for(
        lambda: next((out for out in [status()] if "nicht erreichbar seit" in out), None),
        10,
        "the killed standby to be shown as unreachable",
    )
    assert time.monotonic() - killed_at < 6
    assert f"Bereitschaft  {standby.host} pid {standby.pid}" not in shown
    assert f"{standby.host} pid {standby.pid}  ({standby.id})" in shown
    assert f"aktiv         {active.host} pid {active.pid}  zuletzt gesehen" in shown


def test_in_development_the_scheduler_logs_short_readable_lines_without_its_routine(
    svc, database_url, fake_twilio, tmp_path
):
    """`make run`'s scheduler: readable lines, and nothing for the periodic jobs that found
    nothing to do (the recovery of stale work runs every second here, lease 4 s)."""
    from tests.scheduling.conftest import SCHEDULER_CONFIG
    from tests.support.processes import SchedulerProcesses
    from tests.support.twilio import app_environment

    config = tmp_path / "hotline.toml"
    config.write_text(SCHEDULER_CONFIG)
    environment = app_environment(
        database_url,
        HOTLINE_ENV="development",
        HOTLINE_CONFIG=str(config),
        TWILIO_API_BASE_URL=fake_twilio.url,
        HOTLINE_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    processes = SchedulerProcesses(environment, tmp_path)
    try:
        process = processes.start()
        wait_for(lambda: active_nodes(svc), 20, "the scheduler to become active")
        time.sleep(3)  # the recovery job ran two or three times meanwhile
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        processes.stop_all()

    log = processes.log_of(0)
    assert not [line for line in log.splitlines() if line.startswith("{")], log
    assert re.search(r"^\d\d:\d\d:\d\d INFO .*: scheduler is the active one", log, re.M), log
    assert "scheduler stopped" in log
    for routine in ("recover_stale_work", "Running job", "executed successfully", "Added job"):
        assert routine not in log, log
