"""Finds code that asks which database it runs on, instead of asking the database's kind.

What differs between PostgreSQL and SQLite is a method of `hotline.database_kinds`, whose two
implementations are the only modules that may know a database by name. Anywhere else, one of
these is a branch that belongs there: reading a dialect's or URL's backend name, comparing a
value with "postgresql" or "sqlite", or building a statement from a dialect's own module. The
migrations' versions are history, kept as they ran, and are not scanned; their environment
(`hotline.migrations.env`) is. The benchmarks (`bench/`) load each database in its own way on
purpose and are not the service.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from tests.support.architecture import ROOT, module_name

SCANNED = ("hotline", "scheduling", "ivr_flows", "webhooks", "web")
IMPLEMENTATIONS = "hotline.database_kinds"
NOT_SCANNED = ("hotline.migrations.versions",)
DATABASE_NAMES = frozenset({"postgresql", "sqlite"})
DIALECT_MODULES = frozenset({f"sqlalchemy.dialects.{name}" for name in DATABASE_NAMES})


@dataclass(frozen=True)
class Branch:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.what}"


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _names_a_database(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in DATABASE_NAMES


def _is_dialect(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "dialect") or (
        isinstance(node, ast.Attribute) and node.attr == "dialect"
    )


def _is_dialect_module(module: str) -> bool:
    return any(_within(module, dialect) for dialect in DIALECT_MODULES)


def _found(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "name" and _is_dialect(node.value):
            yield node.lineno, "reads the dialect's name"
        elif isinstance(node, ast.Attribute) and node.attr == "get_backend_name":
            yield node.lineno, "reads a URL's backend name"
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_a_database(operand) for operand in operands) or any(
                isinstance(operand, ast.Tuple | ast.List | ast.Set)
                and any(_names_a_database(element) for element in operand.elts)
                for operand in operands
            ):
                yield node.lineno, "compares with a database's name"
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            if any(_is_dialect_module(name) for name in imported):
                yield node.lineno, f"imports from {node.module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_dialect_module(alias.name):
                    yield node.lineno, f"imports {alias.name}"


def branches_in(module: str, source: str) -> list[Branch]:
    """The places in `module` that tell the databases apart by name (none in the kinds)."""
    if _within(module, IMPLEMENTATIONS) or any(_within(module, p) for p in NOT_SCANNED):
        return []
    return [Branch(module, line, what) for line, what in _found(ast.parse(source))]


def branches() -> list[Branch]:
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            found += branches_in(module_name(path), path.read_text("utf-8"))
    return found
