"""The staff side's texts: every word the console, the public pages, the mails, the CLI and a
case's timeline show, German, addressed by key (`text("timeline.follow_up")`).

They live in TOML files beside this module, one per area (`timeline.toml`, …), so that the
counselling team can change wording without reading code, as it does for what callers hear
(`ivr_flows/catalogs/`). A file's name is the first part of its keys: `[callback_attempt]`
`now = …` in `timeline.toml` is `timeline.callback_attempt.now`. The files are read once, on
first use. Placeholders are `str.format` fields; a date or time takes its format in the
text itself (`{when:%d.%m.%Y}`), so the format is wording too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


class TextCatalog:
    """All texts, flattened to dotted keys; lists (weekdays, months) apart."""

    def __init__(
        self, texts: Mapping[str, str], sequences: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        self._texts = dict(texts)
        self._sequences = dict(sequences or {})
        self._tables: dict[str, Mapping[str, str]] = {}

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __contains__(self, key: object) -> bool:
        return key in self._texts

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def text(self, key: str, /, **values: object) -> str:
        """The text with its placeholders filled."""
        return self._texts[key].format(**values)

    def sequence(self, key: str) -> tuple[str, ...]:
        """A list of words in its order (`sequence("calendar.weekdays.de")`)."""
        return self._sequences[key]

    def table(self, prefix: str) -> Mapping[str, str]:
        """The texts under `prefix`, by the rest of their key, in the file's order: the words
        for a set of codes (`table("callbacks.states")["booked"]`). Read-only: it is shared."""
        if prefix not in self._tables:
            start = prefix + "."
            table = {
                key.removeprefix(start): value
                for key, value in self._texts.items()
                if key.startswith(start)
            }
            if not table:
                raise KeyError(prefix)
            self._tables[prefix] = MappingProxyType(table)
        return self._tables[prefix]


@cache
def texts() -> TextCatalog:
    """The catalog, read once from the TOML files of this package."""
    flat: dict[str, str] = {}
    sequences: dict[str, tuple[str, ...]] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".toml"):
            area = entry.name.removesuffix(".toml")
            raw = tomllib.loads(entry.read_text("utf-8"))
            _flatten(raw, f"{area}.", flat, sequences)
    return TextCatalog(flat, sequences)


def text(key: str, /, **values: object) -> str:
    """One text of the catalog, its placeholders filled: `text("timeline.follow_up")`."""
    return texts().text(key, **values)


def words(prefix: str) -> Mapping[str, str]:
    """The words for a set of codes: `words("callbacks.states")`."""
    return texts().table(prefix)


def sequence(key: str) -> tuple[str, ...]:
    """A list of words: `sequence("calendar.months.de")`."""
    return texts().sequence(key)


def _flatten(
    table: Mapping[str, Any],
    prefix: str,
    flat: dict[str, str],
    sequences: dict[str, tuple[str, ...]],
) -> None:
    for key, value in table.items():
        if isinstance(value, Mapping):
            _flatten(value, f"{prefix}{key}.", flat, sequences)
        elif isinstance(value, list):
            sequences[f"{prefix}{key}"] = tuple(str(item) for item in value)
        else:
            flat[f"{prefix}{key}"] = str(value)
