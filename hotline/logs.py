"""Logging that never contains a phone number, an e-mail address or the secret of a link:
JSON lines in production (and tests), short readable lines in development.

Redaction happens in the handler's filter, so it also covers third-party loggers (werkzeug,
twilio's http client, Flask's "Exception on /termin/<token>/move"), values passed as
arguments or extra fields, and tracebacks; both formats write what the filter left (and
redact a traceback themselves). The engines are built with `hide_parameters`, so a failing
statement's values are not in its message to begin with.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"
TRUNCATED = "…[truncated]"
# Every pattern can start only where the run it matches starts (the look-behinds), so that a
# long run of digits or letters is scanned once, not once per character: redaction stays
# linear in the length of a value, whatever a request sends.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|%2[bB])\d[\d \-/().]{5,}\d"  # +49 151 2345678, +49.151..., %2B49...
    r"|(?<![\w.:+-])0\d[\d \-/()]{5,}\d(?![\w])"  # 0151 2345678, 0049...
    r"|(?<![\w])\d{10,}(?![\w])"  # 4915123456789
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The secrets of links: whatever follows the paths that carry one (a manage page, a callback's
# page, a calendar feed), and, wherever else one may turn up, any run that looks like a link
# token (43 URL-safe characters: 256 bit) or a video room id (32 hex digits: 128 bit).
_LINK_SECRET = re.compile(
    r"(?<=/termin/)[^/\s?#\"'<>]+"
    r"|(?<=/rueckruf/)[^/\s?#\"'<>]+"
    r"|(?<=/kalender/)[^/\s?#\"'<>]+?(?=\.ics|[/\s?#\"'<>]|$)"
    r"|(?<![\w-])[A-Za-z0-9_-]{43}(?![\w-])"
    r"|(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])"
)
# Characters a number may be written with: a cut inside one drops the whole partial run.
_NUMBER_TAIL = re.compile(r"[\d +\-/().%]+$")
MAX_MESSAGE = 2_000  # characters of a message or an extra field in one log line
MAX_TRACEBACK = 8_000
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(text: str, limit: int = MAX_MESSAGE) -> str:
    """Blank out anything that looks like a phone number, an e-mail address or a link's secret.

    Longer texts are cut first (at most `limit` characters survive), and a number the cut ran
    through is dropped whole rather than half shown.
    """
    if len(text) > limit:
        text = _NUMBER_TAIL.sub("", text[:limit]) + TRUNCATED
    return _PHONE.sub(REDACTED, _EMAIL.sub(REDACTED, _LINK_SECRET.sub(REDACTED, text)))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a call passed with `extra=`, in their order."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _extra_fields(record).items():
            entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info), MAX_TRACEBACK)
        return json.dumps(entry, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    """Development: one short line per record, in local time, with the extra fields that have
    a value (`14:04:18 INFO    scheduling.scheduler.process: scheduler started (node=vm:1)`),
    and a traceback (redacted and capped as in JSON) on the lines after it."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{at} {record.levelname:<7} {record.name}: {record.getMessage()}"
        fields = ", ".join(
            f"{key}={value}" for key, value in _extra_fields(record).items() if value is not None
        )
        if fields:
            line += f" ({fields})"
        if record.exc_info:
            line += "\n" + redact(self.formatException(record.exc_info), MAX_TRACEBACK)
        return line


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (so redirections, e.g. in tests, see the logs)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: the stream is always the current sys.stderr."""


# libraries that log routine steps at INFO: Alembic's plugin set-up on every schema check
# (/healthz), Flask-Limiter's hits (which name the client's address)
QUIET_LOGGERS = ("alembic.runtime.plugins", "flask-limiter")
# ... and routine steps that are worth seeing only when debugging (LOG_LEVEL=DEBUG): Alembic's
# "Context impl" and "Will assume (non-)transactional DDL" on every schema check, and
# APScheduler's lines for adding, running and finishing each periodic job (the recovery of
# stale work runs every 30 s; the jobs log what they did themselves, and errors stay).
DEBUG_ONLY_LOGGERS = ("alembic.runtime.migration", "apscheduler")


def configure_logging(level: str = "INFO", *, readable: bool = False) -> None:
    """Replace the root handlers once per process with one redacting handler: JSON lines, or
    short readable lines when `readable` (development)."""
    handler = _CurrentStderrHandler()
    handler.setFormatter(ReadableFormatter() if readable else JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_hotline", False):
            root.removeHandler(existing)
    handler._hotline = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for chatty in QUIET_LOGGERS:  # a line per health check or request says nothing
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    for routine in DEBUG_ONLY_LOGGERS:
        debugging = root.level <= logging.DEBUG
        logging.getLogger(routine).setLevel(logging.NOTSET if debugging else logging.WARNING)
