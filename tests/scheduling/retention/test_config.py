"""The `[retention]` section: the hotline's periods by default, and a mistake refused with the
key to fix rather than data deleted too early or kept forever."""

from __future__ import annotations

import pytest

from hotline.retention.config import (
    RetentionConfig,
    RetentionConfigError,
    parse_retention_config,
)
from hotline.sections_config import SchedulingConfigError, load_scheduling_config


def test_without_a_section_the_hotlines_periods_apply():
    retention = load_scheduling_config({}).retention
    assert retention == RetentionConfig(
        contact_days=30, closed_case_days=365, webhook_log_days=30, run_every_minutes=60
    )
    assert retention.contact_period.days == 30 and retention.run_every.total_seconds() == 3600


def test_configured_periods_are_read():
    retention = load_scheduling_config(
        {"retention": {"contact_days": 14, "closed_case_days": 730, "run_every_minutes": 15}}
    ).retention
    assert (retention.contact_days, retention.closed_case_days) == (14, 730)
    assert retention.webhook_log_days == 30  # not given: the default
    assert retention.run_every.total_seconds() == 900


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"contact_days": 0}, "retention.contact_days: a whole number of days >= 1"),
        ({"closed_case_days": -1}, "retention.closed_case_days: a whole number of days >= 1"),
        ({"webhook_log_days": "30"}, "retention.webhook_log_days: a whole number of days >= 1"),
        ({"contact_days": 7.5}, "retention.contact_days: a whole number of days >= 1"),
        ({"contact_days": True}, "retention.contact_days: a whole number of days >= 1"),
        ({"run_every_minutes": 0}, "retention.run_every_minutes: a whole number of minutes >= 1"),
        ({"contact_dyas": 30}, "retention.contact_dyas: unknown key"),
    ],
)
def test_mistakes_are_refused_naming_the_key(section, message):
    with pytest.raises(RetentionConfigError, match="^" + message.replace(".", r"\.")):
        parse_retention_config(section)
    with pytest.raises(SchedulingConfigError, match="^" + message.replace(".", r"\.")):
        load_scheduling_config({"retention": section})


def test_a_section_that_is_not_a_table_is_refused():
    with pytest.raises(SchedulingConfigError, match=r"^retention: must be a table"):
        load_scheduling_config({"retention": 30})
