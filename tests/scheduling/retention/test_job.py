"""The scheduler keeps a retention job: it runs the sweep at the configured interval with the
scheduler's own clock and database, and logs how much it deleted, never what."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hotline.callbacks.models import CallbackState
from hotline.cases.models import CaseStatus
from hotline.logs import JsonFormatter, RedactingFilter
from hotline.retention.config import RetentionConfig
from scheduling.scheduler import jobs
from scheduling.scheduler.kind_table import build_work_kinds
from scheduling.scheduler.process import SchedulerProcess
from tests.support.twilio import CALLER


@pytest.fixture
def hotline_config(tmp_path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text("[retention]\ncontact_days = 10\nrun_every_minutes = 30\n")
    return str(path)


@pytest.fixture
def bound(dispatcher) -> Iterator[None]:
    """The context the active scheduler binds when it starts."""
    jobs.bind(jobs.JobContext(dispatcher))
    yield
    jobs.bind(None)


def test_the_retention_sweep_is_one_of_the_periodic_jobs():
    listed = {job.id: job for job in jobs.periodic_jobs(lease_seconds=60)}
    assert listed["retention-sweep"].function == "scheduling.scheduler.jobs:sweep_retention"
    assert listed["retention-sweep"].seconds == 3600
    configured = jobs.periodic_jobs(60, RetentionConfig(run_every_minutes=15))
    assert {job.id: job.seconds for job in configured}["retention-sweep"] == 900
    assert "recover-stale-work" in {job.id for job in configured}


def test_the_job_follows_the_configured_periods_and_logs_counts_only(
    bound, work_tools, rows, caplog
):
    assert work_tools.scheduling.retention.contact_days == 10
    rows.call(started=rows.days_ago(11), ended=rows.days_ago(11))
    rows.call(started=rows.days_ago(9), ended=rows.days_ago(9))
    rows.callback(CallbackState.DONE, updated=rows.days_ago(11), ended=rows.days_ago(11))
    rows.case(CaseStatus.CLOSED, updated=rows.days_ago(366), closed=rows.days_ago(366))

    with caplog.at_level(logging.INFO, logger=jobs.__name__):
        counts = jobs.sweep_retention()

    assert counts is not None
    assert (counts.call_numbers, counts.callback_numbers, counts.cases_anonymised) == (1, 1, 1)
    [record] = [record for record in caplog.records if record.message == "retention sweep"]
    RedactingFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["call_numbers"] == 1 and line["callback_numbers"] == 1
    assert line["cases_anonymised"] == 1 and line["webhook_events"] == 0
    assert CALLER not in caplog.text and "[redacted]" not in json.dumps(line)


def test_the_job_does_nothing_without_an_active_scheduler(caplog):
    jobs.bind(None)
    with caplog.at_level(logging.WARNING, logger=jobs.__name__):
        assert jobs.sweep_retention() is None
    assert "without an active scheduler context" in caplog.text


def test_the_active_scheduler_runs_the_sweep_at_once_then_at_the_configured_interval(
    dispatcher, work_tools, scheduler_config
):
    process = SchedulerProcess(work_tools, build_work_kinds(), scheduler_config)
    scheduler = process._periodic_jobs(dispatcher)
    try:
        sweep_job = scheduler.get_job("retention-sweep")
        assert sweep_job.trigger.interval == timedelta(minutes=30)
        assert sweep_job.next_run_time <= datetime.now(UTC)  # not pushed back by a restart
    finally:
        jobs.bind(None)
