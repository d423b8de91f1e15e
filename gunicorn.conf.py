"""gunicorn settings shared by `make run`, production and the benchmark.

Use: `gunicorn -c gunicorn.conf.py wsgi:app`.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers, one per core: a webhook is CPU-bound (signature, TwiML, one short transaction).
# More workers than cores only lengthen the latency tail (measured with `make bench`: on SQLite
# 5 workers on 2 cores had a p99 three times that of 2). Raise WEB_CONCURRENCY when the
# database is far away on the network.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Twilio waits 15 s for an answer; our own logs are structured, gunicorn's access log would
# only repeat them (and must never carry phone numbers).
accesslog = None
errorlog = "-"
loglevel = "warning"


def when_ready(server):  # gunicorn calls it once the sockets listen
    """In development (`make run`), say where web listens once it does: one plain line among
    the processes' own."""
    if os.environ.get("HOTLINE_ENV", "").strip().lower() != "development":
        return
    for listener in server.LISTENERS:
        print(f"Web hört auf {listener} (Strg-C beendet Web und Scheduler)", flush=True)
