"""`hotline staff ...` and `hotline offers import` through the command line."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from hotline.referrals.models import SupportOffer

PASSWORD = "ein-sehr-langes-passwort\n"


def test_staff_are_added_listed_disabled_enabled_and_reset(hotline):
    added = hotline(
        "staff", "add", "chefin@example.org", "--role", "admin", "--password-stdin", input=PASSWORD
    )
    assert added.exit_code == 0, added.output
    assert "Konto 1 angelegt (Administration)" in added.output
    listing = hotline("staff", "list")
    assert "chefin@example.org" in listing.output and "aktiv" in listing.output
    assert "ein-sehr-langes" not in listing.output

    assert hotline("staff", "disable", "chefin@example.org").exit_code == 0
    assert "deaktiviert" in hotline("staff", "list").output
    assert hotline("staff", "enable", "chefin@example.org").exit_code == 0
    reset = hotline(
        "staff",
        "reset-password",
        "chefin@example.org",
        "--password-stdin",
        input="noch-ein-langes-passwort\n",
    )
    assert reset.exit_code == 0 and "Sitzungen des Kontos sind beendet" in reset.output


def test_staff_commands_say_what_is_wrong(hotline):
    short = hotline(
        "staff", "add", "a@example.org", "--role", "admin", "--password-stdin", input="kurz\n"
    )
    assert short.exit_code == 1 and "mindestens 12 Zeichen" in short.output
    bad = hotline(
        "staff", "add", "kein-address", "--role", "admin", "--password-stdin", input=PASSWORD
    )
    assert bad.exit_code == 1 and "keine gültige E-Mail-Adresse" in bad.output
    role = hotline(
        "staff", "add", "a@example.org", "--role", "chef", "--password-stdin", input=PASSWORD
    )
    assert role.exit_code == 2
    hotline("staff", "add", "a@example.org", "--role", "admin", "--password-stdin", input=PASSWORD)
    twice = hotline(
        "staff", "add", "A@example.org", "--role", "admin", "--password-stdin", input=PASSWORD
    )
    assert twice.exit_code == 1 and "gibt schon ein Konto" in twice.output
    unknown = hotline("staff", "disable", "niemand@example.org")
    assert unknown.exit_code == 1 and "kein Konto mit dieser Adresse" in unknown.output
    nobody = hotline(
        "staff",
        "add",
        "b@example.org",
        "--role",
        "counsellor",
        "--password-stdin",
        "--counsellor",
        "Niemand",
        input=PASSWORD,
    )
    assert nobody.exit_code == 1 and "keine Berater:in namens 'Niemand'" in nobody.output


def test_a_staff_account_is_linked_to_its_counsellor(hotline):
    hotline("counsellor", "add", "Anna", "--phone", "+49 228 1234567")
    linked = hotline(
        "staff",
        "add",
        "anna@example.org",
        "--role",
        "counsellor",
        "--counsellor",
        "Anna",
        "--password-stdin",
        input=PASSWORD,
    )
    assert linked.exit_code == 0 and "verknüpft mit Anna" in linked.output
    again = hotline(
        "staff",
        "add",
        "zweite@example.org",
        "--role",
        "counsellor",
        "--counsellor",
        "Anna",
        "--password-stdin",
        input=PASSWORD,
    )
    assert again.exit_code == 1 and "mit einem anderen Konto verknüpft" in again.output


def test_the_example_offers_import_cleanly_and_say_they_are_examples(hotline, database_url):
    example = resources.files("hotline") / "referrals/examples/angebote-beispiel.csv"
    result = hotline("offers", "import", str(example))
    assert result.exit_code == 0, result.output
    assert "7 Angebote hinzugefügt, 0 aktualisiert, 0 Zeilen abgelehnt" in result.output
    again = hotline("offers", "import", str(example))
    assert "0 Angebote hinzugefügt, 7 aktualisiert, 0 Zeilen abgelehnt" in again.output
    engine = create_engine(database_url)
    with Session(engine) as session:
        offers = session.scalars(select(SupportOffer)).all()
    engine.dispose()
    assert len(offers) == 7
    assert all(o.name.startswith("BEISPIELDATEN") for o in offers)
    assert all(o.web_url.startswith("https://example.org/") for o in offers)
    assert "Bund" in hotline("offers", "list").output


def test_an_import_reports_each_rejected_line_and_keeps_the_good_ones(hotline, tmp_path):
    file = tmp_path / "angebote.csv"
    file.write_text(
        "name;region;category;contact;web_url;last_checked\n"
        "Gute Stelle;Bayern;Opferberatung;;https://example.org/a;01.10.2026\n"
        ";BY;legal;;;\n"
        "Ohne Land;XX;legal;;;\n"
        "Falsche Art;BY;Kochkurs;;;\n"
        "Unsichere Adresse;BY;legal;;javascript:alert(1);\n"
        "Kein Datum;BY;legal;;;gestern\n"
        "Gute Stelle;BY;legal;;;\n"
        "\n",
        encoding="utf-8",
    )
    result = hotline("offers", "import", str(file))
    assert result.exit_code == 1
    assert "1 Angebot hinzugefügt, 0 aktualisiert, 6 Zeilen abgelehnt" in result.output
    for line, why in [
        (3, "„name“ fehlt"),
        (4, "unbekannte Region „XX“"),
        (5, "unbekannte Kategorie „Kochkurs“"),
        (6, "https://"),
        (7, "„gestern“ ist kein Datum"),
        (8, "doppelt in der Datei"),
    ]:
        assert f"Zeile {line}: " in result.output and why in result.output


def test_an_import_without_the_needed_columns_imports_nothing(hotline, tmp_path):
    file = tmp_path / "angebote.csv"
    file.write_text("titel,ort\nA,B\n", encoding="utf-8")
    result = hotline("offers", "import", str(file))
    assert (
        result.exit_code == 1 and "in der Kopfzeile fehlt: name, region, category" in result.output
    )
    assert "noch keine Angebote" in hotline("offers", "list").output
