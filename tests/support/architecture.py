"""The one-way import rule, as data and a checker over the source (no import side effects).

The composition roots (`create_app`, the CLI with the simulator it starts) are the top layer:
they wire every other layer and nothing imports them. Below them `webhooks`, `web` →
`ivr_flows` → `scheduling` → `hotline` (the core: every model and the operations on it).
`ivr_flows` and `scheduling` are plain Python: no Flask.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The top layer: modules (and their submodules) that wire the service together.
COMPOSITION_ROOTS = ("hotline.app", "hotline.cli")
ROOTS_LAYER = "composition roots"
# What each layer may import of the service's own packages.
ALLOWED: dict[str, frozenset[str]] = {
    ROOTS_LAYER: frozenset({ROOTS_LAYER, "hotline", "scheduling", "ivr_flows", "webhooks", "web"}),
    "hotline": frozenset({"hotline"}),
    "scheduling": frozenset({"hotline", "scheduling"}),
    "ivr_flows": frozenset({"hotline", "scheduling", "ivr_flows"}),
    "webhooks": frozenset({"hotline", "scheduling", "ivr_flows", "webhooks"}),
    "web": frozenset({"hotline", "scheduling", "ivr_flows", "web"}),
}
PACKAGES = frozenset(ALLOWED) - {ROOTS_LAYER}
NO_FLASK = frozenset({"scheduling", "ivr_flows"})
# Core models that must not know the ones built on them (a call knows its case, not the other
# way round; counsellors have phone numbers, but no cases). The operations on cases (their
# timeline lists the calls) may read the others.
INDEPENDENT_DOMAINS: dict[str, frozenset[str]] = {
    "hotline.cases.models": frozenset({"hotline.telephony", "hotline.counsellors"}),
    "hotline.cases.events": frozenset({"hotline.telephony", "hotline.counsellors"}),
    "hotline.counsellors.models": frozenset({"hotline.cases"}),
}


def _within(module: str, prefixes: tuple[str, ...] | frozenset[str]) -> bool:
    """`module` is one of `prefixes` or inside one (`hotline.app` is not inside
    `hotline.appointments`)."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def layer_of(module: str) -> str | None:
    if _within(module, COMPOSITION_ROOTS):
        return ROOTS_LAYER
    package = module.split(".")[0]
    return package if package in PACKAGES else None


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
    layer = layer_of(module)
    if layer is None:
        return []
    found = []
    for line, imported in imported_modules(module, source, is_package):
        target = layer_of(imported)
        if target == ROOTS_LAYER and layer != ROOTS_LAYER:
            found.append(
                Violation(module, line, imported, "a composition root wires, none imports it")
            )
        elif target is not None and target not in ALLOWED[layer]:
            found.append(Violation(module, line, imported, f"{layer} may not import {target}"))
        if layer in NO_FLASK and imported.split(".")[0] == "flask":
            found.append(Violation(module, line, imported, f"{layer} is plain Python, no Flask"))
        for domain, forbidden in INDEPENDENT_DOMAINS.items():
            if _within(module, (domain,)) and _within(imported, forbidden):
                found.append(Violation(module, line, imported, f"{domain} stays independent"))
    return found


def violations() -> list[Violation]:
    found = []
    for layer in sorted(PACKAGES):
        for path in sorted((ROOT / layer).rglob("*.py")):
            found += violations_in(
                module_name(path), path.read_text("utf-8"), path.name == "__init__.py"
            )
    return found
