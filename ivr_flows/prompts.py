"""The prompt catalogs: every text a caller hears, German and English, addressed by key.

The texts live in `catalogs/<lang>.toml` so that the counselling team can change wording
without reading code. Each catalog also names the voice that speaks it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from twilio.twiml import TwiML

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")  # ".." but not "..."


class PromptCatalog:
    """One language's texts, flattened to dotted keys ("closed.next_opening")."""

    def __init__(self, lang: str, texts: Mapping[str, str], say_language: str, voice: str):
        self.lang = lang
        self._texts = dict(texts)
        self.say_language = say_language
        self.voice = voice

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def keys(self) -> frozenset[str]:
        return frozenset(self._texts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def text(self, key: str, **values: object) -> str:
        """The text with its values; a value ending a sentence ("9 a.m.") takes the full
        stop of the template rather than doubling it."""
        return _DOUBLED_STOP.sub(".", self._texts[key].format(**values))

    def say(self, verb: TwiML, key: str, **values: object) -> None:
        """Append `<Say>` of one catalog text, in this catalog's language and voice."""
        self.say_text(verb, self.text(key, **values))

    def say_text(self, verb: TwiML, text: str) -> None:
        verb.say(text, language=self.say_language, voice=self.voice)

    def say_key_not_taken(self, verb: TwiML, pressed: str) -> None:
        """Before a menu is offered again: silence hears that no key was heard, a key the menu
        does not know hears that it was not understood."""
        self.say(verb, "menu.invalid" if pressed else "menu.silence")


@cache
def prompts(lang: str) -> PromptCatalog:
    """The catalog for a language; unknown languages get German, the hotline's language."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    raw = tomllib.loads(
        resources.files("ivr_flows.catalogs").joinpath(f"{lang}.toml").read_text("utf-8")
    )
    voice = raw.pop("voice")
    return PromptCatalog(lang, _flatten(raw), voice["language"], voice["name"])


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat
