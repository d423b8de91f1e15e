"""gunicorn settings shared by `make run`, production and the benchmark.

Use: `gunicorn -c gunicorn.conf.py wsgi:app`.
"""

import os

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


def on_starting(server):  # gunicorn calls it in the master, before any worker starts
    """Production refuses per-process rate limits with several workers (a ConfigError, which
    gunicorn prints as "Error: ..." before it exits with 1)."""
    load_dotenv(".env", override=False)  # as wsgi.py does in each worker
    refuse_per_process_rate_limits(load_settings(), server.cfg.workers)


def when_ready(server):  # gunicorn calls it once the sockets listen
    """In development (`make run`), say where web listens once it does: one plain line among
    the processes' own."""
    if os.environ.get("HOTLINE_ENV", "").strip().lower() != "development":
        return
    for listener in server.LISTENERS:
        print(f"Web hört auf {listener} (Strg-C beendet Web und Scheduler)", flush=True)
