"""gunicorn settings shared by `make run`, production and the benchmark.

Use: `gunicorn -c gunicorn.conf.py wsgi:app`.
"""

import os
import shutil
import tempfile
from pathlib import Path

from dotenv import load_dotenv

from hotline.config import load_settings, refuse_per_process_rate_limits, web_concurrency

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, one per core: a webhook is CPU-bound (signature, TwiML, one short transaction).
# More workers than cores only lengthen the latency tail (measured with `make bench`: on SQLite
# 5 workers on 2 cores had a p99 three times that of 2). Raise WEB_CONCURRENCY when the
# database is far away on the network.
workers = web_concurrency()
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Twilio waits 15 s for an answer; our own logs are structured, gunicorn's access log would
# only repeat them (and must never carry phone numbers).
accesslog = None
errorlog = "-"
loglevel = "warning"


METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_made_metrics_dir = []  # the folder this master made, removed when it exits


def on_starting(server):  # gunicorn calls it in the master, before any worker starts
    """Production refuses per-process rate limits with several workers (a ConfigError, which
    gunicorn prints as "Error: ..." before it exits with 1). Then the folder in which every
    worker keeps its counters for /metrics (prometheus_client's multiprocess mode)."""
    load_dotenv(".env", override=False)  # as wsgi.py does in each worker
    refuse_per_process_rate_limits(load_settings(), server.cfg.workers)
    _prepare_metrics_dir()


def _prepare_metrics_dir():
    """PROMETHEUS_MULTIPROC_DIR as given (emptied: counters of an earlier run would be added
    to this one's), else a fresh private folder; the workers inherit it. It must be this
    master's alone: two masters sharing it would report each other's requests."""
    given = os.environ.get(METRICS_DIR, "").strip()
    if given:
        folder = Path(given)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in folder.glob("*.db"):
            old.unlink()
        return
    made = tempfile.mkdtemp(prefix="hotline-metrics-")
    _made_metrics_dir.append(made)
    os.environ[METRICS_DIR] = made


def child_exit(server, worker):  # in the master, when a worker has exited
    """A worker's live figures end with it; its counters stay in the sums."""
    if not os.environ.get(METRICS_DIR):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    for folder in _made_metrics_dir:
        shutil.rmtree(folder, ignore_errors=True)


def when_ready(server):  # gunicorn calls it once the sockets listen
    """In development (`make run`), say where web listens once it does: one plain line among
    the processes' own."""
    if os.environ.get("HOTLINE_ENV", "").strip().lower() != "development":
        return
    for listener in server.LISTENERS:
        print(f"Web hört auf {listener} (Strg-C beendet Web und Scheduler)", flush=True)
