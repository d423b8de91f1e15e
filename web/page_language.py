"""The language of a public page: German, the hotline's language, unless the appointment was
booked in English (an English-speaking caller on the phone gets an SMS with the link to its
page); `?lang=de` or `?lang=en` switches, and the page links to the other language.

Only the pages of one appointment speak English: the booking page, the mails and the API
speak German (a program reads the API's codes). A page's words come from `public.toml` or
`public_<lang>.toml` under the same keys."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request
from markupsafe import Markup

from hotline.calendar_names import LANGUAGES
from hotline.inputs import Refused, one_of
from hotline.texts import words

LANGUAGE_PARAMETER = "lang"


def catalog_of(lang: str) -> str:
    """The catalog of a language's page words: `public` (German) or `public_en`."""
    return "public" if lang == "de" else f"public_{lang}"


def page_language(booked_in: str = "de") -> str:
    """The language asked for in the link, else the one the appointment was booked in."""
    asked = request.args.get(LANGUAGE_PARAMETER)
    try:
        return one_of(asked, LANGUAGES) if asked is not None else booked_in
    except Refused:  # a hand-made link: the page in the appointment's language
        return booked_in


def language_switch(booked_in: str, lang: str) -> str | None:
    """The `lang` parameter links on the page carry: none while the page speaks the language
    the appointment was booked in (its links stay short), else the language chosen."""
    return None if lang == booked_in else lang


def page_words(lang: str) -> Mapping[str, str]:
    """The frame's and the appointment pages' words (`w["when"]` in the templates)."""
    return words(f"{catalog_of(lang)}.page")


def page_texts(lang: str, group: str) -> Mapping[str, str]:
    """A group of messages in the page's language (`manage_messages`, `errors`, ...)."""
    return words(f"{catalog_of(lang)}.{group}")


def filled(template: str, /, **values: object) -> Markup:
    """A catalog text that carries markup (`<strong>{when}</strong>`) with its values
    escaped: the catalog is ours, the values are not."""
    return Markup(template).format(**values)
