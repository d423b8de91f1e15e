"""`/metrics` under gunicorn: every worker counts in a file of its own
(PROMETHEUS_MULTIPROC_DIR, which gunicorn.conf.py prepares), and a scrape landing on any
worker reports the sum of all of them, those of workers that have exited included.

Workers are replaced after a few requests here (`--max-requests`), so that the calls are
certainly counted by several processes: in-process counters would lose them.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import WebNode, web_node
from tests.support.twilio import PUBLIC_BASE_URL, app_environment, sign, voice_params

TOKEN = "metrics-token-for-the-tests-0123"
CALLS = 12


def incoming(node: WebNode, number: int) -> int:
    params = voice_params(f"CA{number:032d}")
    headers = {
        "X-Twilio-Signature": sign(f"{PUBLIC_BASE_URL}/twilio/voice/incoming", params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode(params).encode()
    return node.request("POST", "/twilio/voice/incoming", body, headers)[0]


def greetings_counted(node: WebNode) -> float:
    status, _, body = node.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == "hotline_webhook_duration_seconds_count"
        and sample.labels == {"step": "greeting", "answer": "ok"}
    )


def test_a_scrape_on_any_worker_sums_the_requests_of_all_workers(database_url, tmp_path):
    environment = app_environment(
        database_url, METRICS_TOKEN=TOKEN, HOTLINE_INSTANCE_PATH=str(tmp_path / "instance")
    )
    # a worker ends after 4 requests: the 12 calls are answered by at least 3 processes
    arguments = os.environ.get("GUNICORN_CMD_ARGS", "")  # `make test-clock-ahead` sets one
    environment["GUNICORN_CMD_ARGS"] = f"{arguments} --max-requests 4 --max-requests-jitter 0"
    with web_node(environment, tmp_path / "node.log", workers=2) as node:
        answers = [incoming(node, number) for number in range(CALLS)]
        assert answers == [200] * CALLS
        # each scrape lands on either worker; every one of them sees all the calls
        assert [greetings_counted(node) for _ in range(6)] == [CALLS] * 6
