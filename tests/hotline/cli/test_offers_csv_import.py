"""`hotline offers import` reads CSV as RFC 4180 says and refuses cells that a spreadsheet
would run as formulas (issue 21), with real files through the command line."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from hotline.referrals.models import SupportOffer

HEADER = "name,region,category,contact,web_url,last_checked\n"


def stored(database_url: str) -> dict[str, SupportOffer]:
    engine = create_engine(database_url)
    with Session(engine) as session:
        rows = session.scalars(select(SupportOffer)).all()
        session.expunge_all()
    engine.dispose()
    return {row.name: row for row in rows}


def test_doubled_quotes_are_one_quote_and_quoted_separators_stay_text(
    hotline, tmp_path, database_url
):
    file = tmp_path / "angebote.csv"
    file.write_bytes(
        (
            HEADER
            + '"Verein ""Hilfe"" e.V.",BY,legal,"Tel. 030 123456, Mo–Fr",https://example.org/h,\r\n'
            + '"Beratung\r\nmit zwei Zeilen im Kontakt",BE,legal,"Zeile 1\r\nZeile 2",,\r\n'
            + 'Ohne Anführung,BB,legal,"""Zitat"" am Anfang",,\r\n'
        ).encode()
    )
    result = hotline("offers", "import", str(file))
    assert result.exit_code == 1  # the name with a line break is refused (control character)
    assert "2 Angebote hinzugefügt, 0 aktualisiert, 1 Zeile abgelehnt" in result.output
    assert "Zeile 3: „name“ enthält Steuerzeichen" in result.output
    offers = stored(database_url)
    assert set(offers) == {'Verein "Hilfe" e.V.', "Ohne Anführung"}
    assert offers['Verein "Hilfe" e.V.'].contact == "Tel. 030 123456, Mo–Fr"
    assert offers["Ohne Anführung"].contact == '"Zitat" am Anfang'


def test_a_semicolon_file_with_doubled_quotes_reads_the_same(hotline, tmp_path, database_url):
    file = tmp_path / "angebote.csv"
    file.write_text(
        "\ufeffname;region;category;contact;web_url;last_checked\n"
        '"Verein ""Hilfe"" e.V.";Bayern;Rechtsberatung;"a; b";;01.10.2026\n',
        encoding="utf-8",
    )
    result = hotline("offers", "import", str(file))
    assert result.exit_code == 0, result.output
    offer = stored(database_url)['Verein "Hilfe" e.V.']
    assert (offer.region, offer.category, offer.contact) == ("BY", "legal", "a; b")


def test_formula_looking_cells_are_refused_as_such_and_each_line_is_reported(
    hotline, tmp_path, database_url
):
    file = tmp_path / "angebote.csv"
    file.write_text(
        HEADER
        + "Gute Stelle,BY,legal,+49 (0)30 123 456-7,https://example.org/a,\n"  # 2: a phone number
        + '"=HYPERLINK(""https://evil.example"",""Hilfe"")",BY,legal,,,\n'  # 3
        + "Stelle B,BY,legal,+cmd|' /C calc'!A0,,\n"  # 4
        + "Stelle C,BY,legal,-2+3+cmd|' /C calc'!A0,,\n"  # 5
        + "@SUMME(A1:A9),BY,legal,,,\n"  # 6
        + "Stelle D,BY,legal,,=1+1,\n"  # 7: would be 'must begin with https://' before
        + 'Stelle E,BY,legal,"\t=1+1",,\n'  # 8: a tab first
        + 'Stelle F,BY,legal,"\r=1+1",,\n'  # 9: a carriage return first
        + "Stelle G,BY,legal,  =1+1,,\n"  # 10: blanks first
        + "Stelle H,=BY,legal,,,\n",  # 11: would be 'unknown region' before
        encoding="utf-8",
    )
    result = hotline("offers", "import", str(file))
    assert result.exit_code == 1
    assert "1 Angebot hinzugefügt, 0 aktualisiert, 9 Zeilen abgelehnt" in result.output
    rejected = {
        int(line.split(":", 1)[0].removeprefix("  Zeile ")): line
        for line in result.output.splitlines()
        if line.startswith("  Zeile ")
    }
    assert set(rejected) == set(range(3, 12))
    for line, why in rejected.items():
        assert "wie eine Tabellenformel" in why and "CSV-Injection" in why, (line, why)
    assert "„name“ beginnt mit „=“" in rejected[3]
    assert "„contact“ beginnt mit „+“" in rejected[4]
    assert "„contact“ beginnt mit „-“" in rejected[5]
    assert "„name“ beginnt mit „@“" in rejected[6]
    assert "„web_url“ beginnt mit „=“" in rejected[7]
    assert "einem Tabulator" in rejected[8] and "einem Wagenrücklauf" in rejected[9]
    assert "„region“ beginnt mit „=“" in rejected[11]
    assert set(stored(database_url)) == {"Gute Stelle"}


def test_a_line_with_broken_quotes_is_reported_and_the_rest_still_counts(
    hotline, tmp_path, database_url
):
    file = tmp_path / "angebote.csv"
    file.write_text(
        HEADER
        + '"Verein "Hilfe" e.V.",BY,legal,,,\n'  # 2: a quote inside, not doubled
        + "Stelle A,BY,legal,,,\n"  # 3
        + "Verein Hilfe, e.V.,BY,legal,,,\n"  # 4: an unquoted comma shifts the columns
        + "Stelle B,BY,legal,,,\n",  # 5
        encoding="utf-8",
    )
    result = hotline("offers", "import", str(file))
    assert result.exit_code == 1
    assert "2 Angebote hinzugefügt, 0 aktualisiert, 2 Zeilen abgelehnt" in result.output
    assert "Zeile 2: Anführungszeichen passen nicht" in result.output
    assert "Zeile 4: mehr Felder (7) als Spalten in der Kopfzeile (6)" in result.output
    assert set(stored(database_url)) == {"Stelle A", "Stelle B"}


def test_a_nul_or_escape_code_in_any_cell_is_refused_and_the_rest_imported(
    hotline, tmp_path, database_url
):
    """PostgreSQL refuses NUL in text: such a line is reported, never a failed import."""
    file = tmp_path / "angebote.csv"
    file.write_bytes(
        (
            HEADER
            + "Stelle A,BY,legal,Tel. 030\x00123,,\n"
            + "Stelle B,BY,legal,,https://example.org/\x00b,\n"
            + "Stelle C,BY,legal,Tel. \x1b[31m030,,\n"
            + 'Stelle D,BY,legal,"Haus 1\nStraße 2",,\n'
        ).encode()
    )
    result = hotline("offers", "import", str(file))
    assert "1 Angebot hinzugefügt, 0 aktualisiert, 3 Zeilen abgelehnt" in result.output
    for line, column in ((2, "contact"), (3, "web_url"), (4, "contact")):
        assert f"Zeile {line}: „{column}“ enthält Steuerzeichen" in result.output
    assert stored(database_url)["Stelle D"].contact == "Haus 1\nStraße 2"
