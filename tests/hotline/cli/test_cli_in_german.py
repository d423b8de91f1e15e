"""The operators' command line speaks one language, German, with the console's words (issue
22): help texts, table headers, state names and messages; and counts take their noun in
singular or plural by the one rule (`hotline.plurals`). `hotline hours` and `hotline
simulate` have their own tests."""

from __future__ import annotations

import re

import click

from hotline.cli import main
from hotline.outbox import side_effects

# English words that no German sentence uses; lower case, as they stand inside a sentence
ENGLISH = re.compile(
    r"(?<![-\w`])(the|and|of|with|only|when|from|into|this|that|is|are|for|to|or|by|be|will|"
    r"not|already|new|shows|lists|adds|sets|prints|reads|asks|its|it|at|as|each|every|one)"
    r"(?![-\w`])"
)
CLICK_OWN = re.compile(r"\[default: [^\]]*\]|\[required\]|\[[^\]]*[<>]=[^\]]*\]")
OWNED_ELSEWHERE = {"hours", "simulate"}  # their wording has its own tests


def commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if not path and name in OWNED_ELSEWHERE:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def english_in_help(output: str) -> list[str]:
    """Lines of a --help page with English words, leaving out click's own (Usage, Options,
    --help), the command and option names and what the CLI takes as values."""
    found = []
    listing = False
    for line in output.splitlines():
        stripped = line.strip()
        if stripped.startswith(("Usage:", "Options:", "--help")):
            listing = False
            continue
        if stripped == "Commands:":
            listing = True
            continue
        words = stripped.split(None, 1)
        if listing and words and words[0] in OWNED_ELSEWHERE:
            continue
        if listing and words:  # the subcommand's name, then its help
            stripped = words[1] if len(words) > 1 else ""
        stripped = re.sub(r"(?<!\w)--?[\w-]+", "", CLICK_OWN.sub("", stripped))
        if ENGLISH.search(stripped):
            found.append(line)
    return found


def test_every_operators_command_explains_itself_in_german(hotline):
    checked = 0
    for path, _ in commands(main):
        result = hotline(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert english_in_help(result.output) == [], path
        checked += 1
    assert checked >= 30  # every group and subcommand, not just a few
    top = hotline("--help").output
    assert "Telefon- und Terminbackend der starken Stelle" in top
    assert english_in_help(top) == []


def test_the_scheduler_status_counts_the_work_by_its_german_state_names(hotline, factories, clock):
    factories.queued(
        side_effects.send_sms("test:1", to="+4915123456789", body="x", due_at=clock.now())
    )
    status = hotline("scheduler", "status")
    assert status.exit_code == 0, status.output
    assert (
        "Arbeit: ausstehend 1, läuft 0, erledigt 0, fehlgeschlagen 0, aufgegeben 0, entfallen 0"
        in status.output
    )
    listing = hotline("work", "list").output
    assert listing.splitlines()[0].split() == [
        "ID", "Art", "Zustand", "Versuche", "fällig", "(UTC)", "Schlüssel", "letzter", "Fehler",
    ]  # fmt: skip
    assert "SMS senden" in listing and "ausstehend" in listing


def test_counsellors_staff_and_appointments_are_listed_in_the_consoles_words(hotline):
    hotline("counsellor", "add", "Mia Sommer", "--phone", "0228 1234567", "--on-duty")
    added = hotline("counsellor", "add", "Ben", "--phone", "0228 7654321")
    assert "Berater:in Ben angelegt (nicht im Dienst, de)" in added.output
    listing = hotline("counsellor", "list").output
    assert "Mia Sommer  im Dienst " in listing and "Ben         nicht im Dienst" in listing
    assert "Ben ist jetzt im Dienst" in hotline("counsellor", "duty", "Ben", "on").output
    hotline(
        "staff", "add", "chefin@example.org", "--role", "admin", "--password-stdin",
        input="ein-sehr-langes-passwort\n",
    )  # fmt: skip
    staff = hotline("staff", "list").output
    assert staff.splitlines()[0].split() == [
        "ID",
        "E-Mail",
        "Rolle",
        "Zustand",
        "Letzte",
        "Anmeldung",
    ]
    assert "Administration" in staff and "aktiv" in staff
    assert hotline("appointments", "list").output.startswith("keine Termine")


def test_counts_take_their_noun_in_singular_or_plural(hotline, tmp_path):
    one_offer = tmp_path / "angebote.csv"
    one_offer.write_text(
        "name,region,category,contact,web_url,last_checked\nBeratungsstelle Beispiel,BY,legal,,,\n",
        encoding="utf-8",
    )
    imported = hotline("offers", "import", str(one_offer))
    assert imported.exit_code == 0, imported.output
    assert "1 Angebot hinzugefügt, 0 aktualisiert, 0 Zeilen abgelehnt" in imported.output

    config = tmp_path / "hotline.toml"
    config.write_text("[retention]\ncontact_days = 1\nclosed_case_days = 2\n")
    retention = hotline("retention", "run", HOTLINE_CONFIG=str(config))
    assert retention.exit_code == 0, retention.output
    assert "Kontaktdaten 1 Tag, geschlossene Fälle 2 Tage, Webhook-Protokoll 30 Tage" in (
        retention.output
    )
