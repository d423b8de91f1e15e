"""A PostgreSQL server that stops answering: every caller still hears the safe answer in time.

The database is reached through a local proxy that, when frozen, keeps every connection open
and forwards nothing (a hung server, a partitioned network): no error ever arrives, so only
the service's own limits can end the wait. Twilio gives up after 15 s; we answer within 5 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from hotline.app import create_app
from hotline.clock import FixedClock
from hotline.config import load_settings
from hotline.services import services
from tests.support import databases
from tests.support.tcp_proxy import SilentableProxy
from tests.support.times import berlin
from tests.support.twilio import PUBLIC_BASE_URL, app_environment, sign, voice_params

ANSWER_WITHIN_SECONDS = 5.0


@pytest.fixture
def proxied_server(postgres_url, tmp_path: Path) -> Iterator[tuple[str, SilentableProxy]]:
    """The app on a real HTTP socket, its PostgreSQL reached through the proxy."""
    if not postgres_url:
        pytest.skip("TEST_DATABASE_URL is not set")
    databases.truncate_postgres(postgres_url)
    real = make_url(postgres_url)
    with SilentableProxy(real.host or "127.0.0.1", real.port or 5432) as proxy:
        url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = load_settings(app_environment(url), instance_path=tmp_path)
        app = create_app(settings, clock=FixedClock(berlin(2026, 11, 26, 10)))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", proxy
        finally:
            server.shutdown()
            thread.join()
            proxy.thaw()
            services(app).database.dispose()


def post(base: str, path: str, params: dict[str, str]) -> tuple[requests.Response, float]:
    headers = {"X-Twilio-Signature": sign(PUBLIC_BASE_URL + path, params)}
    started = time.monotonic()
    response = requests.post(base + path, data=params, headers=headers, timeout=20)
    return response, time.monotonic() - started


def assert_safe_answer(response: requests.Response, seconds: float) -> None:
    assert seconds < ANSWER_WITHIN_SECONDS, f"answered after {seconds:.1f} s"
    assert response.status_code == 200
    assert "technischer Fehler" in response.text and "info@starkestelle.de" in response.text
    assert "1 1 0" in response.text


def test_callers_hear_the_safe_answer_within_5_s_while_the_database_hangs(proxied_server):
    base, proxy = proxied_server
    first, _ = post(base, "/twilio/voice/incoming", voice_params("CA" + "1" * 32))
    assert first.status_code == 200 and "<Gather" in first.text  # pooled connections exist

    proxy.freeze()
    for number, path in enumerate(
        ["/twilio/voice/incoming", "/twilio/voice/fallback", "/twilio/voice/incoming"], start=2
    ):
        response, seconds = post(base, path, voice_params(f"CA{number}" + "0" * 31))
        assert_safe_answer(response, seconds)
    status, seconds = post(
        base, "/twilio/voice/status", {"CallSid": "CA" + "5" * 32, "CallStatus": "completed"}
    )
    assert status.status_code == 200 and seconds < ANSWER_WITHIN_SECONDS


def test_the_service_recovers_when_the_database_answers_again(proxied_server):
    base, proxy = proxied_server
    proxy.freeze()
    response, seconds = post(base, "/twilio/voice/incoming", voice_params("CA" + "6" * 32))
    assert_safe_answer(response, seconds)
    proxy.thaw()
    deadline = time.monotonic() + 15
    while True:
        response, _ = post(base, "/twilio/voice/incoming", voice_params("CA" + "7" * 32))
        if "<Gather" in response.text or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "<Gather" in response.text, "the service did not recover"


def test_a_pooled_connection_the_server_killed_costs_no_caller_the_call(twilio, svc):
    """No ping per request: a connection that died (server restart) is noticed on first use,
    and the delivery runs once more on a fresh one; the caller hears the greeting."""
    if svc.database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL connections only")
    assert "<Gather" in twilio.incoming("CA" + "8" * 32).get_data(as_text=True)
    with svc.database.engine.connect() as pooled:  # the connection the call used
        pid = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    administrator = create_engine(svc.database.url, poolclass=NullPool)
    with administrator.connect() as other:
        assert other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
    administrator.dispose()
    response = twilio.incoming("CA" + "9" * 32)
    assert "<Gather" in response.get_data(as_text=True)


def test_a_sqlite_write_lock_held_elsewhere_still_gets_an_answer_within_5_s(twilio, svc):
    if svc.database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    holder = svc.database.engine.raw_connection()
    try:
        holder.driver_connection.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        response = twilio.incoming("CA" + "a" * 32)
        seconds = time.monotonic() - started
    finally:
        holder.driver_connection.execute("ROLLBACK")
        holder.close()
    assert seconds < ANSWER_WITHIN_SECONDS
    assert response.status_code == 200 and "info@starkestelle.de" in response.get_data(as_text=True)
