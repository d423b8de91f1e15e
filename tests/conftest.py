"""Shared fixtures: the app on SQLite and PostgreSQL, a fixed clock, signed Twilio requests,
a fake Twilio REST API, the call simulator, and a guard against real network access."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from hotline.app import create_app
from hotline.app import work_tools as app_work_tools
from hotline.cases.models import Case
from hotline.cli import main
from hotline.clock import FixedClock, SystemClock
from hotline.config import load_settings
from hotline.counsellors.models import Counsellor
from hotline.mail.mailer import ConsoleMailer, SmtpMailer
from hotline.outbox.kinds import WorkTools
from hotline.scheduler.config import SchedulerConfig
from hotline.services import Services, services
from hotline.simulator import (
    CallPlayer,
    FlaskClientTransport,
    ScriptedCaller,
    Switchboard,
    Transcript,
)
from scheduling.scheduler.dispatcher import Dispatcher
from scheduling.scheduler.kind_table import build_work_kinds
from tests.support import databases
from tests.support.factories import Factories
from tests.support.fake_twilio import FakeTwilio, FakeTwilioServer
from tests.support.redis_store import RedisStore, redis_store
from tests.support.smtp_server import LocalSmtpServer
from tests.support.times import berlin
from tests.support.twilio import (
    AUTH_TOKEN,
    CALLER,
    DATA_KEY,
    HASH_KEY,
    PUBLIC_BASE_URL,
    TwilioRequests,
    app_environment,
)

BACKENDS = ["sqlite", "postgresql"]


# --- network guard -------------------------------------------------------------------------
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"test tried to reach {host}: only local fakes are allowed")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# --- databases ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        databases.reset_postgres_schema(url)
    return url


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, postgres_url: str | None, tmp_path: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        yield databases.fresh_sqlite(sqlite_template, tmp_path)
        return
    if not postgres_url:
        pytest.skip("TEST_DATABASE_URL is not set")
    databases.truncate_postgres(postgres_url)
    yield postgres_url


# --- the app ----------------------------------------------------------------------------------
@pytest.fixture
def clock() -> FixedClock:
    """Thursday 26 November 2026, 10:00 in Berlin: the line is open."""
    return FixedClock(berlin(2026, 11, 26, 10, 0))


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilioServer() as fake:
        yield fake


@pytest.fixture
def hotline_config() -> str:
    """HOTLINE_CONFIG for the app; a test module overrides this fixture to configure hours."""
    return ""


@pytest.fixture
def environment(database_url: str, fake_twilio: FakeTwilio, hotline_config: str) -> dict[str, str]:
    """The environment variables the app is built from."""
    return app_environment(
        database_url, HOTLINE_CONFIG=hotline_config, TWILIO_API_BASE_URL=fake_twilio.url
    )


@pytest.fixture
def app(environment: dict[str, str], clock: FixedClock, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(load_settings(environment, instance_path=tmp_path / "instance"), clock=clock)
    yield app
    services(app).database.dispose()


@pytest.fixture
def svc(app: Flask) -> Services:
    return services(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a real HTTP socket (threaded werkzeug); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


# --- signed Twilio requests ------------------------------------------------------------------
@pytest.fixture
def twilio(client: FlaskClient) -> TwilioRequests:
    return TwilioRequests(client)


# --- the simulator ----------------------------------------------------------------------------
SimulateCall = Callable[..., Transcript]


@pytest.fixture
def simulate_call(app: Flask, clock: FixedClock, work_tools: WorkTools) -> SimulateCall:
    """Walk a whole call: `simulate_call(keys=["9", "-"], counsellors=["ignore", "accept"])`.

    The counsellors' side is played by the simulator's switchboard: the scheduler's dispatcher
    runs in-process and its gateway rings simulated counsellors who behave as listed (one
    `accept` by default); the test clock moves with the call.
    """

    def simulate(
        keys: Sequence[str] = (),
        *,
        counsellors: Sequence[str] = ("accept",),
        caller: str = CALLER,
        call_sid: str | None = None,
        silent_after_keys: bool = False,
        clock_moves: bool = True,
    ) -> Transcript:
        """`clock_moves=False`: every request at the same moment (for opening-hours edges)."""
        transport = FlaskClientTransport(app.test_client(), AUTH_TOKEN, PUBLIC_BASE_URL)
        switchboard = Switchboard(transport, counsellors)
        dispatcher = Dispatcher(
            build_work_kinds(),
            replace(work_tools, gateway=switchboard),
            SchedulerConfig(workers=1),
            "simulator",
        )
        player = CallPlayer(
            transport,
            ScriptedCaller(keys, silence_when_exhausted=silent_after_keys),
            from_number=caller,
            call_sid=call_sid,
            fallback_url=f"{PUBLIC_BASE_URL}/twilio/voice/fallback",
            status_callback_url=f"{PUBLIC_BASE_URL}/twilio/voice/status",
            clock=clock.now,
            advance_clock=clock.advance if clock_moves else None,
            switchboard=switchboard,
            dispatch=dispatcher.dispatch_due,
        )
        try:
            return player.run(f"{PUBLIC_BASE_URL}/twilio/voice/incoming")
        finally:
            dispatcher.close()

    return simulate


# --- the scheduler --------------------------------------------------------------------------
@pytest.fixture
def store() -> Iterator[RedisStore]:
    """The Redis server on this machine as a shared rate-limit store, under a key prefix of
    the test's own (tests/support/redis_store.py)."""
    with redis_store() as store:
        yield store


@pytest.fixture
def smtp() -> Iterator[LocalSmtpServer]:
    """A local SMTP server that keeps what it receives (aiosmtpd)."""
    with LocalSmtpServer() as server:
        yield server


@pytest.fixture
def work_tools(app: Flask, svc: Services, clock: FixedClock) -> WorkTools:
    """What handlers use: the app's gateway (pointed at the fake Twilio), the console mailer
    (a test that needs SMTP builds its own), the test clock."""
    return app_work_tools(app, mailer=ConsoleMailer(lambda line: None), clock=clock)


@pytest.fixture
def smtp_dispatcher(work_tools, scheduler_config, smtp):
    """In-process dispatcher (the test clock) whose mailer talks to `smtp`."""
    tools = replace(work_tools, mailer=SmtpMailer(smtp.url, timeout=2))
    dispatcher = Dispatcher(build_work_kinds(), tools, scheduler_config, "smtp-test")
    yield dispatcher
    dispatcher.close()


@pytest.fixture
def scheduler_config() -> SchedulerConfig:
    return SchedulerConfig(workers=1, batch_size=50, lease_seconds=60)


@pytest.fixture
def dispatcher(work_tools: WorkTools, scheduler_config: SchedulerConfig) -> Iterator[Dispatcher]:
    """The scheduler's dispatcher in-process: `dispatcher.dispatch_due()` after moving the
    clock, instead of a process and sleeps."""
    dispatcher = Dispatcher(build_work_kinds(), work_tools, scheduler_config, "test-node")
    yield dispatcher
    dispatcher.close()


# --- the command line --------------------------------------------------------------------------
@pytest.fixture
def cli_environment(database_url, tmp_path) -> dict[str, str]:
    """What an operator's shell would set for development against the test database."""
    return {
        "HOTLINE_ENV": "development",
        "DATABASE_URL": database_url,
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "HOTLINE_DATA_KEY": DATA_KEY,
        "HOTLINE_HASH_KEY": HASH_KEY,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_API_BASE_URL": "",
        "HOTLINE_CONFIG": "",
        "PUBLIC_BASE_URL": "",
    }


@pytest.fixture
def hotline(cli_environment, clock: FixedClock, monkeypatch: pytest.MonkeyPatch):
    """Run `hotline ...` with the test database; returns the click Result.

    The commands read the time from the test's clock, as the app does: a CLI test means the
    same on whatever day it runs (the commands build their app with the system clock)."""
    monkeypatch.setattr(SystemClock, "now", lambda _self: clock.now())

    def run(*args: str, input: str | None = None, catch_exceptions: bool = False, **overrides: str):
        return CliRunner().invoke(
            main,
            list(args),
            env={**cli_environment, **overrides},
            input=input,
            catch_exceptions=catch_exceptions,
        )

    return run


# --- factories --------------------------------------------------------------------------------
@pytest.fixture
def factories(svc: Services, clock: FixedClock) -> Factories:
    return Factories(svc, clock)


@pytest.fixture
def create_case(factories: Factories) -> Callable[[], Case]:
    return factories.case


@pytest.fixture
def create_counsellor(factories: Factories) -> Callable[..., Counsellor]:
    return factories.counsellor
