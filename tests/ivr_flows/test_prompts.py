"""The prompt catalogs: every text in German and English, each <Say> in its language."""

from __future__ import annotations

import re
import string

from ivr_flows.prompts import prompts

ONLY_IN_ENGLISH = {"greeting.offer_english"}  # offered to everyone, in English


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_german_and_english_have_the_same_texts_and_placeholders():
    german, english = prompts("de"), prompts("en")
    assert german.keys() == english.keys() - ONLY_IN_ENGLISH
    for key in german:
        assert placeholders(german[key]) == placeholders(english[key]), key


def test_every_text_is_filled_and_says_its_language():
    for lang, say_language in (("de", "de-DE"), ("en", "en-GB")):
        catalog = prompts(lang)
        assert catalog.say_language == say_language
        assert all(catalog[key].strip() for key in catalog)


def test_an_unknown_language_falls_back_to_german():
    assert prompts("fr").lang == "de"


def test_no_phone_number_or_placeholder_leftovers_in_the_catalogs():
    for lang in ("de", "en"):
        catalog = prompts(lang)
        for key in catalog:
            assert not re.search(r"\d{4,}", catalog[key]), key
