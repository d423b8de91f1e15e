"""A scheduler asked to stop ends, whenever the request comes.

In-process: `SchedulerProcess.run()` in a thread, `request_stop()` as the signal handler calls
it. The first test puts the request in the window that once lost it: while APScheduler writes
its jobs at start, before it counts as running (CI saw a SIGTERM there and a process that never
ended).
"""

from __future__ import annotations

import threading
from datetime import timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from scheduling.scheduler import nodes
from scheduling.scheduler.kind_table import build_work_kinds
from scheduling.scheduler.leadership import current_holder, make_leadership
from scheduling.scheduler.process import SchedulerProcess
from tests.support.processes import wait_for

ENDS_WITHIN = 10  # seconds; the heartbeat and standby polls are well under one


def run_in_thread(process: SchedulerProcess) -> threading.Thread:
    thread = threading.Thread(target=process.run, name="scheduler-under-test", daemon=True)
    thread.start()
    return thread


def test_a_stop_while_the_job_store_starts_ends_the_process(
    work_tools, scheduler_config, monkeypatch
):
    process = SchedulerProcess(work_tools, build_work_kinds(), scheduler_config)
    starting = SQLAlchemyJobStore.start
    store_starts: list[str] = []

    def stop_then_start(store, scheduler, alias):
        store_starts.append(alias)
        process.request_stop()  # the SIGTERM arrives here
        starting(store, scheduler, alias)

    monkeypatch.setattr(SQLAlchemyJobStore, "start", stop_then_start)
    thread = run_in_thread(process)
    thread.join(ENDS_WITHIN)
    assert not thread.is_alive(), "the scheduler did not end after a stop during its start"
    assert store_starts == ["default"]
    assert nodes.nodes(work_tools.database) == []
    assert current_holder(work_tools.database) is None


def test_an_active_scheduler_stops_finishing_its_jobs_and_frees_the_lead(
    work_tools, scheduler_config
):
    process = SchedulerProcess(work_tools, build_work_kinds(), scheduler_config)
    thread = run_in_thread(process)
    wait_for(
        lambda: [n for n in nodes.nodes(work_tools.database) if n.active], 20, "it to be active"
    )
    process.request_stop()
    thread.join(ENDS_WITHIN)
    assert not thread.is_alive()
    assert nodes.nodes(work_tools.database) == []
    assert make_leadership(
        work_tools.database, "next-one", work_tools.clock, timedelta(seconds=24)
    ).try_acquire(), "the lead is free for the next scheduler"


def test_a_standby_stops_at_once(work_tools, scheduler_config):
    holder = make_leadership(work_tools.database, "other", work_tools.clock, timedelta(minutes=5))
    assert holder.try_acquire()
    try:
        process = SchedulerProcess(work_tools, build_work_kinds(), scheduler_config)
        thread = run_in_thread(process)
        wait_for(lambda: nodes.nodes(work_tools.database), 20, "it to register as standby")
        assert [n.active for n in nodes.nodes(work_tools.database)] == [False]
        process.request_stop()
        thread.join(ENDS_WITHIN)
        assert not thread.is_alive()
        assert nodes.nodes(work_tools.database) == []
    finally:
        holder.release()


def test_a_failing_heartbeat_write_is_logged_and_the_scheduler_stays_active(
    work_tools, scheduler_config, monkeypatch, caplog
):
    writes: list[bool] = []
    real_heartbeat = nodes.heartbeat

    def failing_when_active(database, node, now, *, active, **rest):
        if active:
            writes.append(active)
            if len(writes) <= 2:
                raise RuntimeError("database briefly unreachable")
        real_heartbeat(database, node, now, active=active, **rest)

    monkeypatch.setattr(nodes, "heartbeat", failing_when_active)
    process = SchedulerProcess(work_tools, build_work_kinds(), scheduler_config)
    thread = run_in_thread(process)
    try:
        wait_for(
            lambda: [n for n in nodes.nodes(work_tools.database) if n.active],
            30,
            "a heartbeat to get through after two failed",
        )
        assert thread.is_alive()
        assert "cannot write the scheduler heartbeat" in caplog.text
    finally:
        process.request_stop()
        thread.join(ENDS_WITHIN)
    assert not thread.is_alive()
