"""`GET /metrics`: what an on-call person sees in Prometheus, read through the endpoint as
the monitoring server reads it (bearer token), never with a number or a name in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from hotline.outbox.models import WorkItem, WorkState
from hotline.outbox.side_effects import send_sms
from hotline.scheduler.models import SchedulerNode
from tests.support.routing import RoutingDriver
from tests.support.staff import add_staff, log_in
from tests.support.twilio import CALLER, app_environment, voice_params

TOKEN = "metrics-token-for-the-tests-0123"


@pytest.fixture
def environment(database_url, fake_twilio, hotline_config):
    return app_environment(
        database_url,
        HOTLINE_CONFIG=hotline_config,
        TWILIO_API_BASE_URL=fake_twilio.url,
        METRICS_TOKEN=TOKEN,
    )


@pytest.fixture
def routing(twilio, svc, dispatcher, fake_twilio):
    return RoutingDriver(twilio, svc, dispatcher, fake_twilio)


def scrape(client) -> tuple[dict[tuple[str, tuple], float], str]:
    """Every sample by (name, sorted labels), and the text as served."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=0.0.4")
    text = response.get_data(as_text=True)
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    return samples, text


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_the_bearer_token(client):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer metrics-token-guessed-000"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    scrape(client)


def test_without_a_token_there_is_no_metrics_endpoint(app_without_token):
    client = app_without_token.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.fixture
def app_without_token(database_url, fake_twilio, tmp_path, clock):
    from hotline.app import create_app
    from hotline.config import load_settings
    from hotline.services import services

    env = app_environment(database_url, TWILIO_API_BASE_URL=fake_twilio.url)
    app = create_app(load_settings(env, instance_path=tmp_path / "other"), clock=clock)
    yield app
    services(app).database.dispose()


def test_the_line_the_counsellors_and_todays_calls_are_read_from_the_database(
    client, routing, factories, clock
):
    factories.counsellor("Anna Berger", phone="+49 228 555501")
    factories.counsellor("Ben Kurz", phone="+49 228 555502", on_duty=False)
    routing.caller_waits("CA" + "1" * 32)
    routing.ring()  # Anna's phone rings
    clock.advance(timedelta(seconds=42))

    samples, text = scrape(client)
    assert value(samples, "hotline_database_up") == 1
    assert value(samples, "hotline_line_open") == 1  # Thursday, 10:42
    assert value(samples, "hotline_line_waiting", kind="caller") == 1
    assert value(samples, "hotline_line_waiting", kind="callback") == 0
    assert value(samples, "hotline_line_longest_wait_seconds") >= 42
    assert value(samples, "hotline_counsellors", state="ringing") == 1
    assert value(samples, "hotline_counsellors", state="off_duty") == 1
    assert value(samples, "hotline_counsellors", state="free") == 0
    assert value(samples, "hotline_calls_today", outcome="none") == 1  # still waiting
    assert value(samples, "hotline_calls_today", outcome="connected") == 0
    assert ("hotline_service_level_ratio", (("within_seconds", "60"),)) not in samples
    # personal data in no label and no value: the caller's and counsellors' numbers, names
    for secret in (CALLER, "Anna", "Berger", "555501", "4922855550"):
        assert secret not in text


def test_the_service_level_counts_the_callers_who_waited_today(client, routing, factories, clock):
    factories.counsellor("Anna Berger")
    call_sid = "CA" + "2" * 32
    routing.caller_waits(call_sid)
    clock.advance(timedelta(seconds=100))  # longer than the 60 s of the service level
    routing.caller_hangs_up(call_sid)

    samples, _ = scrape(client)
    assert value(samples, "hotline_callers_waited_today") == 1
    assert value(samples, "hotline_service_level_ratio", within_seconds="60") == 0.0
    today = {labels: v for (name, labels), v in samples.items() if name == "hotline_calls_today"}
    assert sum(today.values()) == 1 and value(samples, "hotline_calls_today", outcome="none") == 0


def test_the_outbox_its_oldest_due_row_dead_rows_and_the_scheduler(client, factories, svc, clock):
    now = clock.now()
    factories.queued(
        send_sms("late", to="+4915100000001", body="x", due_at=now - timedelta(minutes=5))
    )
    dead = factories.queued(send_sms("dead", to="+4915100000002", body="x", due_at=now))
    with svc.database.transaction() as session:
        session.execute(update(WorkItem).where(WorkItem.id == dead.id).values(state=WorkState.DEAD))
        session.add(
            SchedulerNode(
                id="host:1:abc",
                host="host",
                pid=1,
                active=True,
                started_at=now - timedelta(hours=1),
                heartbeat_at=now - timedelta(seconds=12),
            )
        )

    samples, text = scrape(client)
    assert value(samples, "hotline_work_rows", kind="send_sms", state="pending") == 1
    assert value(samples, "hotline_work_rows", kind="send_sms", state="dead") == 1
    assert value(samples, "hotline_work_rows", kind="send_mail", state="dead") == 0  # listed
    assert value(samples, "hotline_work_oldest_due_age_seconds") == 300
    assert value(samples, "hotline_scheduler_active") == 1
    assert value(samples, "hotline_scheduler_heartbeat_age_seconds") == 12
    assert "+4915100000001" not in text


def test_without_an_active_scheduler_its_heartbeat_age_is_absent(client):
    samples, _ = scrape(client)
    assert value(samples, "hotline_scheduler_active") == 0
    assert ("hotline_scheduler_heartbeat_age_seconds", ()) not in samples
    assert value(samples, "hotline_work_oldest_due_age_seconds") == 0


def test_a_database_that_does_not_answer_is_reported_not_a_failed_scrape(client, svc, monkeypatch):
    def refuse():
        raise ConnectionError("database down")

    monkeypatch.setattr(svc.database, "reading", refuse)
    samples, _ = scrape(client)
    assert value(samples, "hotline_database_up") == 0
    assert ("hotline_line_open", ()) not in samples


def test_webhooks_are_counted_by_step_and_answer(client, twilio):
    def count(step, answer):
        samples, _ = scrape(client)
        return value(samples, "hotline_webhook_duration_seconds_count", step=step, answer=answer)

    before = {
        key: count(*key)
        for key in [
            ("greeting", "ok"),
            ("greeting", "repeat"),
            ("unknown", "rejected"),
            ("fallback", "safe"),
        ]
    }
    assert twilio.incoming("CA" + "3" * 32).status_code == 200
    assert twilio.incoming("CA" + "3" * 32).status_code == 200  # Twilio's retry
    forged = twilio.post("/twilio/voice/incoming", voice_params("CA" + "4" * 32), signature="x")
    assert forged.status_code == 403
    twilio.post("/twilio/voice/fallback", {"CallSid": "CA" + "5" * 32, "ErrorCode": "11200"})

    assert count("greeting", "ok") == before[("greeting", "ok")] + 1
    assert count("greeting", "repeat") == before[("greeting", "repeat")] + 1
    assert count("unknown", "rejected") == before[("unknown", "rejected")] + 1
    assert count("fallback", "safe") == before[("fallback", "safe")] + 1


def test_failed_logins_and_bookings_refused_by_the_limit_are_counted(client, svc, clock):
    def counted():
        samples, _ = scrape(client)
        return (
            value(samples, "hotline_logins_failed_total", reason="wrong"),
            value(samples, "hotline_rate_limited_total", scope="booking"),
        )

    failed_before, refused_before = counted()
    add_staff(svc, clock, "beraterin@example.org")
    assert log_in(client, "beraterin@example.org", "falsches-passwort-1").status_code == 400
    answers = [client.post("/api/v1/appointments", json={}).status_code for _ in range(4)]
    assert answers == [422, 422, 422, 429]  # 3 per minute
    assert counted() == (failed_before + 1, refused_before + 1)


def test_every_metric_the_alerts_use_is_served(client, twilio, svc, clock):
    from tests.deploy.test_prometheus_rules import metric_names_in_rules

    twilio.incoming("CA" + "6" * 32)  # a webhook counted, so that its histogram has samples
    with svc.database.transaction() as session:  # an active scheduler: its heartbeat's age
        now = clock.now()
        session.add(
            SchedulerNode(
                id="h:2:x", host="h", pid=2, active=True, started_at=now, heartbeat_at=now
            )
        )
    samples, _ = scrape(client)
    served = {name for name, _ in samples}
    assert metric_names_in_rules() <= served, metric_names_in_rules() - served
