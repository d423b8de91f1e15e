"""What one check of `hotline doctor` found: ok, failed or skipped, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hotline.texts import text


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # not checked (offline, or what it needs failed): no failure itself


@dataclass(frozen=True)
class Finding:
    """One line of the report. `check` is the key of the check's name in the catalog
    (`doctor.checks.<check>`); `reason` says what was found, `remedy` what to do. Neither
    ever holds a secret: a token, a password, a key or a whole phone number."""

    check: str
    outcome: Outcome
    reason: str
    remedy: str = ""

    @property
    def name(self) -> str:
        return text(f"doctor.checks.{self.check}")


def ok(check: str, reason: str) -> Finding:
    return Finding(check, Outcome.OK, reason)


def failed(check: str, reason: str, remedy: str) -> Finding:
    return Finding(check, Outcome.FAILED, reason, remedy)


def skipped(check: str, reason: str) -> Finding:
    return Finding(check, Outcome.SKIPPED, reason)
