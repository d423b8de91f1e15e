"""The glossary (GLOSSARY.md) holds the hotline's German words; the catalogs (what callers hear
in ivr_flows/catalogs/, every other text in hotline/texts/), templates, mail texts and every
module of the service keep to it (issue 22).
Its last column lists what is not said; this test refuses each of those anywhere in the
service's texts, and in what a booking really sends and the public pages really show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import vobject

from tests.support.appointments import book, local_path, raised_booking_limit
from tests.support.times import berlin

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "GLOSSARY.md"
PACKAGES = ("hotline", "scheduling", "ivr_flows", "web", "webhooks")
TEXT_FILES = ("*.py", "*.toml", "*.html", "*.txt")
# "Rückruf(e)", "Ausnahme(n)": a count takes its noun by `hotline.plurals.counted` instead
BRACKETED_PLURAL = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]+\((?:n|en|e|er|s)\)")

hotline_config = raised_booking_limit


def ruled_out() -> dict[str, str]:
    """Each word the glossary's last column rules out, with the word to say instead."""
    words = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("German", "---"):
            continue
        for word in re.findall(r"`([^`]+)`", cells[2]):
            words[word] = cells[0]
    return words


def service_texts() -> Iterator[Path]:
    """Catalogs (ivr_flows/catalogs/, hotline/texts/), templates (pages, console, mails), every
    module."""
    for package in PACKAGES:
        for pattern in TEXT_FILES:
            yield from sorted((ROOT / package).rglob(pattern))
    yield ROOT / "README.md"


def offences(text: str, words: dict[str, str]) -> list[str]:
    found = [
        f"{word!r} (say: {instead})"
        for word, instead in words.items()
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    ]
    found += [f"{hedge!r} (count with hotline.plurals)" for hedge in BRACKETED_PLURAL.findall(text)]
    return found


def test_no_catalog_template_wording_or_cli_module_uses_a_word_the_glossary_rules_out():
    words = ruled_out()  # at least the words the issue found
    assert words["Aktenzeichen"] == "Fallnummer"
    assert words["der starke Stelle"] == "starke Stelle"
    assert words["der {{ service }}"] == "starke Stelle"
    assert words["Übersteuerung"] == "Ausnahme"
    files = list(service_texts())
    assert {ROOT / "ivr_flows/catalogs/de.toml", ROOT / "hotline/cli/work.py"} <= set(files)
    # the staff side's catalog and the spoken dates: every TOML file of both catalogs
    catalogs = {*(ROOT / "hotline/texts").glob("*.toml"), *(ROOT / "ivr_flows/catalogs").glob("*")}
    assert {path for path in catalogs if path.suffix == ".toml"} <= set(files)
    assert {ROOT / "hotline/texts/cli.toml", ROOT / "ivr_flows/catalogs/speech.toml"} <= set(files)
    assert ROOT / "hotline/appointments/mails/appointment.txt" in files
    found = {
        str(path.relative_to(ROOT)): wrong
        for path in files
        if (wrong := offences(path.read_text(encoding="utf-8"), words))
    }
    assert found == {}


def test_what_a_booking_sends_keeps_to_the_glossary(
    client, clock, smtp, smtp_dispatcher, fake_twilio, create_counsellor
):
    """Mails (text and HTML, to the official and to the counsellor), the calendar entries,
    the reminder's SMS and the cancellation, as the scheduler sends them."""
    create_counsellor("Anna", email="anna@beratung.example.org")
    booked = book(client, "2026-11-30T10:00:00+01:00", phone="0151 23456789").json
    smtp_dispatcher.dispatch_until_idle()
    clock.set(berlin(2026, 11, 29, 10, 0))  # the reminder, 24 hours before
    smtp_dispatcher.dispatch_until_idle()
    assert (
        client.post(
            local_path(booked["manage_url"]) + "/cancel", headers={"Accept": "application/json"}
        ).json["state"]
        == "canceled"
    )
    smtp_dispatcher.dispatch_until_idle()

    texts, summaries = [], []
    for mail in smtp.received:
        for part in mail.message.walk():
            if part.get_content_maintype() == "multipart":
                continue
            content = part.get_content()
            texts.append(content if isinstance(content, str) else content.decode())
            if part.get_content_type() == "text/calendar":
                event = vobject.readOne(texts[-1]).vevent
                summaries.append(event.summary.value)
                texts.append(event.description.value)  # unfolded, as a calendar shows it
    sms = [message["Body"][0] for message in fake_twilio.messages_sent()]
    assert len(smtp.received) >= 5 and sms  # booked, reminded, cancelled, both sides
    everything = "\n".join([*texts, *summaries, *sms])

    assert offences(everything, ruled_out()) == []
    assert "Videotermin mit der starken Stelle" in summaries
    assert "Ihr Videotermin mit der starken Stelle ist gebucht." in everything
    assert "Videoberatung der starken Stelle mit Anna (45 Minuten)." in everything
    assert "Erinnerung: Ihr Videotermin mit der starken Stelle am" in sms[0]
    reference = f"{booked['case_reference'][:4]} {booked['case_reference'][4:]}"
    assert f"Fallnummer:  {reference}" in everything
    assert f"Ihre Fallnummer: {reference}" in everything  # the cancellation


def test_the_public_pages_say_fallnummer(client, create_counsellor):
    create_counsellor("Anna")
    words = ruled_out()
    booking_page = client.get("/termin").get_data(as_text=True)
    assert "Fallnummer (falls Sie schon eine haben)" in booking_page
    booked = book(client, "2026-11-30T10:00:00+01:00").json
    manage_page = client.get(local_path(booked["manage_url"])).get_data(as_text=True)
    assert "<dt>Fallnummer</dt>" in manage_page and "(45 Minuten)" in manage_page
    unknown = book(client, "2026-11-30T11:00:00+01:00", case_reference="12345678").json
    message = unknown["error"]["fields"]["case_reference"]
    for text in (booking_page, manage_page, message):
        assert offences(text, words) == []
    assert "Fallnummer" in message
