"""The rate-limit store: Redis answering (through the limits library Flask-Limiter uses),
or memory://, which counts in each process and is refused with several workers."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from hotline.config import ConfigError, Settings, refuse_per_process_rate_limits, web_concurrency
from hotline.doctor.findings import Finding, failed, ok
from hotline.texts import text


def rate_limit_finding(
    settings: Settings, environ: Mapping[str, str], *, timeout: float
) -> Finding:
    uri = settings.ratelimit_storage_uri
    if uri.startswith("memory://"):
        return _per_process(settings, environ)
    where = _shown(uri)
    try:
        from limits.storage import storage_from_string

        storage = storage_from_string(uri, socket_connect_timeout=timeout, socket_timeout=timeout)
        answered = storage.check()
    except Exception as error:  # any failure of the store (or its client) is the finding
        return failed(
            "rate_limits",
            text("doctor.rate_limits.unusable", where=where, error=type(error).__name__),
            text("doctor.rate_limits.start_redis"),
        )
    if not answered:
        return failed(
            "rate_limits",
            text("doctor.rate_limits.no_answer", where=where),
            text("doctor.rate_limits.start_redis"),
        )
    return ok("rate_limits", text("doctor.rate_limits.answered", where=where))


def _per_process(settings: Settings, environ: Mapping[str, str]) -> Finding:
    try:
        workers = web_concurrency(environ)
    except ConfigError as error:
        return failed(
            "rate_limits",
            text("doctor.rate_limits.workers", error=error),
            text("doctor.settings.fix"),
        )
    try:
        refuse_per_process_rate_limits(settings, workers)
    except ConfigError:
        return failed(
            "rate_limits",
            text("doctor.rate_limits.memory_refused", workers=workers),
            text("doctor.rate_limits.use_redis"),
        )
    return ok("rate_limits", text("doctor.rate_limits.memory"))


def _shown(uri: str) -> str:
    """The store without its password: scheme, host, port and database."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"
