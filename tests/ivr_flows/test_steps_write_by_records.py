"""Steps return what to record; they call a desk themselves only to read, or for one of the
decisions `ivr_flows.steps` lists (a write whose result decides what is said next). A new
write in a step fails here: return a record instead (`ivr_flows.records`), or, if the
database must decide what the caller hears, list it there and say why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ivr_flows.steps

ROOT = Path(__file__).resolve().parents[2]
# what the steps' context hands out (ctx.desk is the routing desk)
AREAS = frozenset({"desk", "callbacks", "placement", "appointments"})
READS = frozenset(
    {
        "desk.position",
        "desk.estimated_wait",
        "desk.waited_seconds",
        "desk.wants_callback",
        "desk.offer",
        "callbacks.caller_number",
        "callbacks.draft_of",
        "callbacks.draft_number",
        "callbacks.free_slots",
        "callbacks.booked",
        "placement.view",
        "placement.number_of",
        "appointments.phone_appointment_of",
        "appointments.next_free_slots",
    }
)


def _decisions() -> set[str]:
    """The decisions as the docstring of ivr_flows.steps lists them ("- `desk.accept`: ...")."""
    return set(re.findall(r"^- `(\w+\.\w+)`:", ivr_flows.steps.__doc__ or "", re.MULTILINE))


def _desk_calls() -> set[str]:
    """Every `ctx.<area>.<method>(...)` (or `<area>.<method>(...)` through a local name) in
    the flows; not in the records' module, the one place that applies them."""
    called = set()
    for path in (ROOT / "ivr_flows").rglob("*.py"):
        if path == ROOT / "ivr_flows" / "records.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            area = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if area in AREAS:
                called.add(f"{area}.{node.func.attr}")
    return called


def test_the_decisions_are_few_and_named():
    assert 0 < len(_decisions()) <= 8
    assert not _decisions() & READS


def test_steps_call_desks_only_to_read_or_for_a_listed_decision():
    called = _desk_calls()
    assert called, "the checker found no desk calls at all"
    assert called - READS - _decisions() == set()
