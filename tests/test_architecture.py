"""Imports point one way: webhooks, web → ivr_flows → scheduling → hotline core."""

from __future__ import annotations

import pytest

from tests.support.architecture import ROOT, violations, violations_in


def test_every_import_points_the_allowed_way():
    assert [str(violation) for violation in violations()] == []


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        (
            "hotline.telephony.call_log",
            "from ivr_flows.prompts import LANGUAGES",
            "hotline may not",
        ),
        ("scheduling.hours.overrides", "import webhooks.voice", "scheduling may not"),
        ("ivr_flows.intake", "def f():\n    from webhooks import voice", "ivr_flows may not"),
        ("ivr_flows.intake", "from flask import request", "no Flask"),
        ("webhooks.voice", "from web import health", "webhooks may not"),
        ("web.health", "from webhooks.twiml import safe_answer", "web may not"),
        ("hotline.cases.service", "from hotline.telephony.models import Call", "independent"),
        ("hotline.telephony.models", "from ..schema import metadata", "composition root"),
        ("hotline.services", "from hotline import app", "composition root"),
    ],
)
def test_a_wrong_import_is_reported(module, source, rule):
    found = violations_in(module, source)
    assert found and rule in found[0].rule


def test_composition_roots_may_wire_every_layer():
    assert violations_in("hotline.app", "import webhooks\nimport web") == []
    assert violations_in("hotline.cli.simulate", "from ivr_flows.speech import WEEKDAYS") == []


def test_the_checker_sees_the_packages():
    assert (ROOT / "hotline" / "app.py").exists() and (ROOT / "webhooks").is_dir()
