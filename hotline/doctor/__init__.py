"""`hotline doctor`: a production configuration checked before go-live, in plain words.

Each check group is a module of its own; `examine` runs them in the order an operator fixes
things (the variables, the keys, the public URL, the database, Twilio, mail, the rate-limit
store) and returns one `Finding` per check. Nothing is changed and nothing is sent: the
database is only read, Twilio only asked (GET), the mail server left after MAIL FROM. A check
whose precondition failed is skipped, naming it; every network check gives up after
`timeout` seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from hotline.clock import Clock
from hotline.doctor.data_key import data_key_finding
from hotline.doctor.database import CHECKS as DATABASE_CHECKS
from hotline.doctor.database import database_findings
from hotline.doctor.environment import environment_finding, required_finding, settings_finding
from hotline.doctor.findings import Finding, Outcome, skipped
from hotline.doctor.mail import smtp_finding
from hotline.doctor.public_url import public_url_finding
from hotline.doctor.rate_limits import rate_limit_finding
from hotline.doctor.twilio import CHECKS as TWILIO_CHECKS
from hotline.doctor.twilio import twilio_findings
from hotline.texts import text

__all__ = [
    "DEFAULT_CLOCK_TOLERANCE_SECONDS",
    "DEFAULT_TIMEOUT_SECONDS",
    "DoctorOptions",
    "Finding",
    "Outcome",
    "examine",
]

DEFAULT_CLOCK_TOLERANCE_SECONDS = 5.0
DEFAULT_TIMEOUT_SECONDS = 5.0
_NEED_SETTINGS = (*DATABASE_CHECKS, *TWILIO_CHECKS, "smtp", "rate_limits")


@dataclass(frozen=True)
class DoctorOptions:
    offline: bool = False  # Twilio not asked
    clock_tolerance: timedelta = timedelta(seconds=DEFAULT_CLOCK_TOLERANCE_SECONDS)
    timeout: float = DEFAULT_TIMEOUT_SECONDS  # per network check


def examine(environ: Mapping[str, str], clock: Clock, options: DoctorOptions) -> list[Finding]:
    """Every check's finding, in order. `clock` is the service's clock (the machine's time as
    the service reads it), compared with the database's."""
    production = environ.get("HOTLINE_ENV", "production").strip().lower() in ("", "production")
    required = required_finding(environ)
    settings, loaded = settings_finding(environ, required)
    findings = [
        environment_finding(environ),
        required,
        loaded,
        data_key_finding(environ, production),
        public_url_finding(environ, production),
    ]
    if settings is None:
        reason = text("doctor.settings.needed")
        return findings + [skipped(check, reason) for check in _NEED_SETTINGS]
    findings += database_findings(settings, clock, options.clock_tolerance)
    findings += twilio_findings(settings, offline=options.offline, timeout=options.timeout)
    findings.append(smtp_finding(settings, timeout=options.timeout))
    findings.append(rate_limit_finding(settings, environ, timeout=options.timeout))
    return findings
