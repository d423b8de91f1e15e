"""Every German word people read or hear lives in a catalog, not in a Python module (issue 24):
what callers hear in `ivr_flows/catalogs/`, everything else (console, public pages, mails,
the CLI, a case's timeline) in `hotline/texts/`, so that the counselling team can change the
wording without reading code.

The test reads every string literal of the service's modules (docstrings aside: they are the
code's documentation, and quote German words) and refuses one that looks German: an umlaut or
ß, or a word of the list below. The list is checked against the catalogs themselves: each
German sentence there would be caught if it were moved back into a module, so shortening the
list to let a literal through fails here too, and a literal equal to a catalog text (a single
word such as "aktiv") is refused as well. The few literals that are German without being words
for people (the query parameters of links already mailed) are allowed one by one, with the
reason; so is the noun that names a count's entry in the plural table (`counted(n, "Anruf")`).
Proper names that hold no word of the list ("starke Stelle", the demo counsellors) pass.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hotline", "scheduling", "ivr_flows", "web", "webhooks")
CATALOGS = (ROOT / "hotline" / "texts", ROOT / "ivr_flows" / "catalogs")
# English catalogs end in _en (the manage page of an appointment booked in English)
GERMAN_CATALOGS = (
    *sorted(path for path in CATALOGS[0].glob("*.toml") if not path.stem.endswith("_en")),
    CATALOGS[1] / "de.toml",
)

UMLAUT = re.compile(r"[äöüÄÖÜß]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# "an" is English too; after these nouns it is the German "to" ("SMS an +49…")
GERMAN_PHRASE = re.compile(r"\b(?:SMS|E-Mail|Anruf) an\b")
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
# Words no English text of this code base uses: matched as written, and capitalised at the
# start of a sentence (nouns are capitalised anyway, so "fall" or "tag" in English passes).
_WORD_LIST = """
    aber alle allen als auch auf aus bei beim bereits bis bitte dann das dass dem den der des dies
    diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines einmal
    erst etwa gibt haben hat heute hier ihm ihn ihr ihre ihrem ihren ihrer im ist jede jedem
    jeden jeder jedes jetzt kann kein keine keinem keinen keiner mehr mit morgen muss nach nicht
    nichts niemand noch nur oder ohne schon sein seine seit sich sie sind soll und uns unter
    vom von vor weil wenn werden wie wieder wir wird wurde wurden zu zum zur zurzeit zwischen
    montags dienstags mittwochs donnerstags freitags samstags sonntags
    abgesagt abgelaufen aktiviert angelegt angenommen angesehen aufgehoben aufgelegt beendet
    eingetragen erledigt gebucht gelöscht geschlossen gescheitert gesetzt gespeichert gewartet
    senden übersprungen unbekannt unlesbar verlegt verbunden wartet weiter
    Abwesenheit Adresse Adressen Angaben Angebot Angebote Anmeldung Ansage Anruf Anrufe Anrufende
    Anrufer Anwendungsfehler Anzahl Arbeit Ausnahme Ausnahmen Berater Beraterin Bereitschaft
    Bindestrich Datei Datum Dienst Fall Fallnummer Fehler Gast Hass Heiligabend Kategorie Konsole
    Konto Konten Minuten Nachfrage Netz Notiz Nummer Passwort Punkt Rolle Rückruf Sekunden
    Silvester Sitzung Sprache Statistik Std Stunden Tag Tage Telefonbuchung Termin Termine Uhr
    Uhrzeit Unterstrich Versuch Versuche Videotermin Videotermine Warteschleife Weitervermittlung
    Wert Werte Zeile Zeilen Zeit Zeitfenster Zeitpunkt Zustand
"""
GERMAN_WORDS = frozenset(_WORD_LIST.split())
# German literals that are not words for people, each with the reason it stays in code.
MANAGE_QUERY = "a query parameter of a manage page's URL (in links already mailed)"
ALLOWED: dict[tuple[str, str], str] = {
    ("web/booking/page.py", "gebucht"): MANAGE_QUERY,
    ("web/booking/page.py", "verlegt"): MANAGE_QUERY,
    ("web/booking/page.py", "abgesagt"): MANAGE_QUERY,
    ("web/callbacks/manage.py", "abgesagt"): MANAGE_QUERY,
}
# A count names its noun by the singular, the key of its entry in the catalog's plural table
# (`counted(n, "Anruf")`); only there is such a word a key rather than a text.
NOUNS = frozenset(tomllib.loads((CATALOGS[0] / "plurals.toml").read_text("utf-8"))["nouns"])


def service_modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))
    yield ROOT / "wsgi.py"


def literals(source: str) -> Iterator[tuple[int, str]]:
    """Each string constant with its line: f-strings' fixed parts too; not docstrings, and not
    the noun of a count (`counted(n, "Anruf")`) when the catalog has it."""
    tree = ast.parse(source)
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        elif _is_counted(node) and len(node.args) >= 2:
            noun = node.args[1]
            if isinstance(noun, ast.Constant) and noun.value in NOUNS:
                skipped.add(id(noun))
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in skipped:
            yield node.lineno, node.value


def _is_counted(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    return name == "counted"


def looks_german(value: str) -> bool:
    """An umlaut or ß, a word of the list (a function word also capitalised, as it is at the
    start of a sentence), or a German phrase."""
    if UMLAUT.search(value) or GERMAN_PHRASE.search(value):
        return True
    return any(
        word in GERMAN_WORDS or (word[0].isupper() and word.lower() in GERMAN_WORDS)
        for word in WORD.findall(value)
    )


def catalog_sentences() -> Iterator[tuple[str, str]]:
    """Every German text of the catalogs with three words or more."""
    for path in GERMAN_CATALOGS:
        for key, value in _flat(_toml(path)):
            if key.startswith("voice."):  # the TTS voice's name, not a text
                continue
            if len(WORD.findall(PLACEHOLDER.sub("", value))) >= 3:
                yield f"{path.relative_to(ROOT)}: {key}", value


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


def _flat(table: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield f"{prefix}{key}", value


def test_no_module_keeps_a_german_word_for_people():
    found = []
    seen_allowed = set()
    for path in service_modules():
        name = str(path.relative_to(ROOT))
        for line, value in literals(path.read_text("utf-8")):
            if (name, value) in ALLOWED:
                seen_allowed.add((name, value))
            elif looks_german(value):
                found.append(f"{name}:{line}: {value!r}")
    assert found == []
    assert seen_allowed == set(ALLOWED)  # an allowance nobody needs any more goes


def test_no_module_repeats_a_text_of_the_catalogs():
    """A single word moved back ("aktiv", "gebucht") is caught even where the list has no
    entry for it; a few codes happen to be catalog texts too."""
    texts = {value for path in GERMAN_CATALOGS for _, value in _flat(_toml(path))}
    # "ok": a status code (/healthz) and `hotline doctor`'s word for a passed check alike
    shared_with_code = {"ID", "Message-ID", "median", "?", "ok"}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in service_modules()
        for line, value in literals(path.read_text("utf-8"))
        if value in texts - shared_with_code and (str(path.relative_to(ROOT)), value) not in ALLOWED
    ]
    assert found == []


def test_the_word_list_catches_every_german_sentence_of_the_catalogs():
    sentences = list(catalog_sentences())
    assert len(sentences) > 150
    missed = [f"{where}: {value!r}" for where, value in sentences if not looks_german(value)]
    assert missed == []


def test_the_scan_reads_the_modules_that_held_the_words():
    names = {str(path.relative_to(ROOT)) for path in service_modules()}
    held = {"scheduling/callbacks/placing.py", "hotline/cli/hours.py", "web/booking/page.py"}
    assert held <= names
    assert looks_german("Rückruf gebucht") and looks_german("Bitte ein Datum wählen")
    assert looks_german("Fall") and not looks_german("callback failed")
    assert not looks_german("fall back to the default")
