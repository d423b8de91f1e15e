"""Reading one `[section]` of HOTLINE_CONFIG into its settings dataclass: the checks every
section shares (a table, only known keys), so that a typo is refused rather than ignored."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import Field, fields
from typing import Any


def known_items(
    section: Any, name: str, settings: type, error: type[ValueError]
) -> Iterator[tuple[str, Any, Field[Any]]]:
    """(key, value, the dataclass field) for each key of the table `name`; `error` is raised,
    naming the key, for a value that is not a table or a key `settings` does not have."""
    if not isinstance(section, Mapping):
        raise error(f"{name}: must be a table")
    known = {field.name: field for field in fields(settings)}
    for key, value in section.items():
        if key not in known:
            raise error(f"{name}.{key}: unknown key (known: {', '.join(sorted(known))})")
        yield key, value, known[key]
