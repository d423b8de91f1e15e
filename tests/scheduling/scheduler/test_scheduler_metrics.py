"""The scheduler's own counters (`SCHEDULER_METRICS_ADDRESS`): an on-call person sees SMS and
mails sent and failed from the process that sends them, on an internal address."""

from __future__ import annotations

import http.client
from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from hotline.outbox import side_effects
from hotline.outbox.queue import enqueue
from tests.support.processes import free_port, wait_for


def scheduler_counters(port: int) -> dict[tuple[str, str], float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
    except OSError:
        return {}
    finally:
        connection.close()
    return {
        (sample.labels["kind"], sample.labels["result"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "hotline_work_attempts_total"
    }


def test_the_scheduler_counts_the_sms_it_sent_on_its_own_metrics_address(svc, schedulers):
    port = free_port()
    schedulers.start(SCHEDULER_METRICS_ADDRESS=f"127.0.0.1:{port}")
    now = datetime.now(UTC)  # the process runs on real time
    with svc.database.transaction() as session:
        for number in range(3):
            work = side_effects.send_sms(
                f"metrics-test:{number}", to="+4915112345678", body="Ihr Termin", due_at=now
            )
            enqueue(session, svc.cipher, now, work)

    counted = wait_for(
        lambda: (
            scheduler_counters(port).get(("send_sms", "done")) == 3 and scheduler_counters(port)
        ),
        30,
        "three SMS counted as sent",
    )
    assert counted.get(("send_sms", "dead"), 0) == 0
    assert "4915112345678" not in str(counted)
    assert "Metriken des Schedulers" in schedulers.log_of(0)
