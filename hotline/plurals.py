"""Counts with their noun, by one rule: "1 Rückruf", "2 Rückrufe", "0 Rückrufe", "1.234 Fälle".

Every count that the console, the mails and the CLI show goes through `counted`, with a noun
from `hotline/texts/plurals.toml` (the hotline's nouns, singular and plural), so that no page
says "1 Rückrufe" and no command hedges with a bracketed plural ending. A noun missing from
the table is a KeyError: adding a count means adding its noun there, once. Templates (pages, the
console, mails) use it as the `counted` filter (`{{ total|counted("Fall") }}`)."""

from __future__ import annotations

from hotline.texts import words

NOUNS = words("plurals.nouns")


def counted(count: int, noun: str, *, dative: bool = False) -> str:
    """The count as German readers write it (thousands with a dot) and the noun in the
    number it takes: singular for exactly one, plural otherwise (also for none).

    `dative=True` after "nach", "mit", "von", "seit" …: "nach 3 Versuchen" (the dative plural
    adds an -n where the plural has none; the singular stays "nach 1 Versuch"). Only for a
    noun alone: an adjective before it would change too ("angebotenen")."""
    plural = NOUNS[noun]
    if dative and " " in noun:
        raise ValueError(f"{noun!r}: the dative is formed for a noun alone")
    if count == 1:
        word = noun
    elif dative and not plural.endswith(("n", "s")):
        word = plural + "n"
    else:
        word = plural
    return f"{count:,}".replace(",", ".") + " " + word


class Counted(int):
    """A count that a catalog text writes with its noun: `{attempts:Versuch:dative}` is
    "nach 3 Versuchen", `{passes:angebotener Anruf}` "2 angebotene Anrufe"; without a format,
    the bare number."""

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(int(self))
        noun, _, grammatical_case = spec.partition(":")
        return counted(int(self), noun, dative=grammatical_case == "dative")
