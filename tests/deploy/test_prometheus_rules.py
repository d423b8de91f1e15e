"""deploy/prometheus/alerts.yml is valid for Prometheus (`promtool check rules`) and its
alerts fire when they should (`promtool test rules alerts_test.yml`), with Debian's
`prometheus` package (`.ci/run` installs it when promtool is missing)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def promtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("promtool")
    if executable is None:
        pytest.skip("promtool is missing (Debian: apt-get install prometheus)")
    return subprocess.run(
        [executable, *arguments], cwd=RULES, capture_output=True, text=True, timeout=60
    )


def test_the_alert_rules_are_valid():
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 7 rules found" in result.stdout


def test_the_alerts_fire_when_they_should_and_not_before():
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_the_issue_asks_for_are_there():
    text = (RULES / "alerts.yml").read_text()
    alerts = set(re.findall(r"- alert: (\w+)", text))
    assert {
        "HotlineNoActiveScheduler",
        "HotlineWorkOverdue",
        "HotlineDeadWork",
        "HotlineWebhookFailures",
        "HotlineNobodyOnDuty",
        "HotlineDatabaseUnavailable",
    } <= alerts


def metric_names_in_rules() -> set[str]:
    return set(re.findall(r"\bhotline_[a-z_]+", (RULES / "alerts.yml").read_text()))
