"""Real `hotline scheduler` processes for the scheduling tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_twilio import CallbackTarget
from tests.support.processes import SchedulerProcesses
from tests.support.twilio import AUTH_TOKEN, PUBLIC_BASE_URL, app_environment

SCHEDULER_CONFIG = """
[scheduler]
workers = 2
takeover_seconds = 3
lease_seconds = 4
poll_seconds = 0.05
"""


@pytest.fixture
def schedulers(database_url, fake_twilio, live_server, tmp_path) -> Iterator[SchedulerProcesses]:
    config = tmp_path / "hotline.toml"
    config.write_text(SCHEDULER_CONFIG)
    fake_twilio.report_to = CallbackTarget(live_server, PUBLIC_BASE_URL, AUTH_TOKEN)
    environment = app_environment(
        database_url,
        HOTLINE_CONFIG=str(config),
        TWILIO_API_BASE_URL=fake_twilio.url,
        HOTLINE_INSTANCE_PATH=str(tmp_path / "instance"),
        LOG_LEVEL="INFO",
    )
    processes = SchedulerProcesses(environment, tmp_path)
    yield processes
    processes.stop_all()
