"""The service's counters for Prometheus: what happens in a process (a webhook answered, a
login refused, a mail sent) counted where it happens.

Figures whose truth is the database (the line, the counsellors' states, the outbox, the
scheduler's heartbeat) are not kept here but read at scrape time (`web.metrics.figures`).

Under gunicorn every worker counts in files of its own under PROMETHEUS_MULTIPROC_DIR, which
gunicorn.conf.py sets before the workers start, and `/metrics` sums them
(prometheus_client's multiprocess mode). Without it (tests, the scheduler, the CLI) the
counters live in the process. No label ever holds personal data: steps, kinds, states and
reasons are names from fixed sets in the code.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# the classic text format generate_latest writes, which Prometheus 2 (Debian 12's) reads
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# Twilio waits 15 s; a webhook should answer in tens of milliseconds.
_WEBHOOK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)

webhook_duration = Histogram(
    "hotline_webhook_duration_seconds",
    "Twilio webhook requests by step and answer (ok, repeat, safe, rejected, error) and "
    "how long the answer took; _count is the number of requests",
    ["step", "answer"],
    buckets=_WEBHOOK_BUCKETS,
)
logins_failed = Counter(
    "hotline_logins_failed",
    "Console logins refused, by reason (wrong, locked, disabled)",
    ["reason"],
)
rate_limited = Counter(
    "hotline_rate_limited",
    "Requests refused by a rate limit (429), by budget (booking, manage, login)",
    ["scope"],
)
work_attempts = Counter(
    "hotline_work_attempts",
    "Work the scheduler attempted, by kind (send_mail, send_sms, ring_counsellor, ...) and "
    "result (done, retry, dead)",
    ["kind", "result"],
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR_VARIABLE) or None


def process_counters() -> bytes:
    """The counters in Prometheus' text format: summed over every gunicorn worker in
    multiprocess mode, else this process's own."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
