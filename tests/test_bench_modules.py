"""The benchmarks are not in the suite, but they must keep working with the code they
measure: every module of `bench/` imports, so a renamed or moved name fails here, not in
the next `make bench`. (`bench.bench_app` builds the served app when imported, from the
environment gunicorn gives it, and is left out.)"""

from __future__ import annotations

import importlib

import pytest

from tests.support.architecture import ROOT

MODULES = sorted(
    f"bench.{path.stem}"
    for path in (ROOT / "bench").glob("*.py")
    if path.stem not in ("__init__", "bench_app")
)


def test_the_benchmarks_are_found():
    assert {"bench.inprocess", "bench.appointments", "bench.erlang", "bench.apps"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_a_benchmark_module_imports(module):
    importlib.import_module(module)
