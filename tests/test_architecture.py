"""Imports point one way: composition roots → webhooks, web → ivr_flows → scheduling → core."""

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
        ("ivr_flows.cases.intake", "def f():\n    from webhooks import voice", "ivr_flows may not"),
        ("ivr_flows.cases.intake", "from flask import request", "no Flask"),
        ("webhooks.voice", "from web import health", "webhooks may not"),
        ("web.health", "from webhooks.twiml import safe_answer", "web may not"),
        ("hotline.cases.models", "from hotline.telephony.models import Call", "independent"),
        ("hotline.telephony.models", "from ..app import create_app", "composition root"),
        ("web.staff.cases", "from hotline.cli.simulate import simulate", "composition root"),
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


def test_every_model_is_in_the_core():
    """The model registry imports nothing but the core: no table lives outside it."""
    from hotline.schema import MODEL_MODULES

    assert all(module.startswith("hotline.") for module in MODEL_MODULES)
    assert not violations_in("hotline.schema", (ROOT / "hotline" / "schema.py").read_text("utf-8"))


def test_a_domain_whose_name_starts_like_a_root_is_not_one():
    assert violations_in("hotline.appointments.desk", "from hotline.app import create_app")
    assert violations_in("hotline.cases.changes", "from hotline.appointments.models import A") == []


def test_scheduling_holds_no_model():
    """`scheduling` is time only: the data it acts on is the core's."""
    assert not [path for path in (ROOT / "scheduling").rglob("models.py")], "a model in scheduling/"
