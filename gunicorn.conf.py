"""gunicorn settings shared by `make run`, production and the benchmark.

Use: `gunicorn -c gunicorn.conf.py wsgi:app`.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: each webhook is a short database transaction; 2 per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Twilio waits 15 s for an answer; our own logs are structured, gunicorn's access log would
# only repeat them (and must never carry phone numbers).
accesslog = None
errorlog = "-"
loglevel = "warning"
