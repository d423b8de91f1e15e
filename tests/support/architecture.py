"""The one-way import rule, as data and a checker over the source (no import side effects).

`webhooks`, `web` → `ivr_flows` → `scheduling` → `hotline` (core). The composition roots
(`create_app`, the model registry, the CLI, Alembic's environment) wire everything together
and may import every layer. `ivr_flows` and `scheduling` are plain Python: no Flask.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What each layer may import of the service's own packages.
ALLOWED: dict[str, frozenset[str]] = {
    "hotline": frozenset({"hotline"}),
    "scheduling": frozenset({"hotline", "scheduling"}),
    "ivr_flows": frozenset({"hotline", "scheduling", "ivr_flows"}),
    "webhooks": frozenset({"hotline", "scheduling", "ivr_flows", "webhooks"}),
    "web": frozenset({"hotline", "scheduling", "ivr_flows", "web"}),
}
LAYERS = frozenset(ALLOWED)
COMPOSITION_ROOTS = ("hotline.app", "hotline.schema", "hotline.cli", "hotline.migrations")
NO_FLASK = frozenset({"scheduling", "ivr_flows"})
# Core domains that must not know the ones built on them (a call knows its case, not the
# other way round; counsellors have phone numbers, but no cases).
INDEPENDENT_DOMAINS: dict[str, frozenset[str]] = {
    "hotline.cases": frozenset({"hotline.telephony", "hotline.counsellors"}),
    "hotline.counsellors": frozenset({"hotline.cases"}),
}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} ({self.rule})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(
    module: str, source: str, is_package: bool = False
) -> Iterator[tuple[int, str]]:
    """Every module an import statement names, anywhere in the file (also inside functions)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:  # `from hotline import schema` imports a module too
                yield node.lineno, f"{base}.{alias.name}"


def violations_in(module: str, source: str, is_package: bool = False) -> list[Violation]:
    layer = module.split(".")[0]
    if layer not in LAYERS or module.startswith(COMPOSITION_ROOTS):
        return []
    found = []
    for line, imported in imported_modules(module, source, is_package):
        target = imported.split(".")[0]
        if target in LAYERS and target not in ALLOWED[layer]:
            found.append(Violation(module, line, imported, f"{layer} may not import {target}"))
        if imported.startswith(COMPOSITION_ROOTS):
            found.append(
                Violation(module, line, imported, "a composition root wires, none imports it")
            )
        if layer in NO_FLASK and target == "flask":
            found.append(Violation(module, line, imported, f"{layer} is plain Python, no Flask"))
        for domain, forbidden in INDEPENDENT_DOMAINS.items():
            if module.startswith(domain) and imported.startswith(tuple(forbidden)):
                found.append(Violation(module, line, imported, f"{domain} stays independent"))
    return found


def violations() -> list[Violation]:
    found = []
    for layer in sorted(LAYERS):
        for path in sorted((ROOT / layer).rglob("*.py")):
            found += violations_in(
                module_name(path), path.read_text("utf-8"), path.name == "__init__.py"
            )
    return found
