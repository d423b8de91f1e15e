"""The pages every public page links to in its footer, through HTTP on both databases: the
privacy notice `/datenschutz` (drawn from what this service stores and the configured
retention periods), the accessibility statement `/barrierefreiheit` (BITV 2.0), the Impressum
from IMPRINT_URL, and a real, cacheable `/favicon.ico`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.appointments import book, free_slots, local_path
from tests.support.staff import csrf_token
from tests.support.twilio import app_environment

IMPRINT = "https://www.example.org/impressum"
RETENTION = """
[appointments]
bookings_per_client = "1000 per minute"
[retention]
contact_days = 21
closed_case_days = 400
webhook_log_days = 14
"""


@pytest.fixture
def hotline_config(tmp_path: Path) -> str:
    path = tmp_path / "hotline.toml"
    path.write_text(RETENTION)
    return str(path)


@pytest.fixture
def environment(database_url, fake_twilio, hotline_config) -> dict[str, str]:
    return app_environment(
        database_url,
        HOTLINE_CONFIG=hotline_config,
        TWILIO_API_BASE_URL=fake_twilio.url,
        IMPRINT_URL=IMPRINT,
        VIDEO_URL_TEMPLATE="https://video.example.net/raum-{room}",
    )


def text_of(html: str) -> str:
    """The page's words, without tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def footer_links(html: str) -> dict[str, str]:
    footer = re.search(r"<footer>(.*?)</footer>", html, re.S).group(1)
    return {
        text.strip(): href for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer)
    }


def assert_accessible_page(html: str, title: str) -> None:
    assert '<html lang="de">' in html
    assert '<a class="skip" href="#inhalt">' in html and '<main id="inhalt">' in html
    assert f"<h1>{title}</h1>" in html
    assert len(re.findall(r"<h2[ >]", html)) >= 3  # sections a screen reader can jump to


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client):
    response = client.get("/datenschutz")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_accessible_page(html, "Datenschutz")
    words = text_of(html)
    assert "nicht aufgezeichnet" in words
    assert "verschlüsselt" in words
    # the configured periods, not the defaults
    assert "21 Tage nach dem Anruf" in words
    assert "400 Tage nach dem Abschluss" in words
    assert "14 Tage" in words
    assert "30 Tage" not in words and "365 Tage" not in words
    assert "einen Tag nach dem Termin" in words and "sofort" in words
    # who processes data for us
    for processor in ("Twilio", "video.example.net", "Mailserver"):
        assert processor in words, processor
    assert "meet.jit.si" not in words
    # how to ask for a copy or for deletion
    assert 'href="mailto:info@starkestelle.de"' in html
    assert "Kopie" in words and "Löschung" in words and "Fallnummer" in words
    assert "Aufsichtsbehörde" in words
    # what the copy holds, what an erasure deletes (Twilio's records too), four eyes
    assert "ZIP-Datei" in words and "JSON" in words
    assert "Twilios Verzeichnisse Ihrer Anrufe und SMS löschen" in words
    assert "Zwei Personen der Administration" in words
    assert "21 Tage nach dem Anruf oder der SMS löschen" in words
    assert "twilio-region" not in html  # no region configured: Twilio's default


def test_the_accessibility_statement_follows_bitv(client):
    response = client.get("/barrierefreiheit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_accessible_page(html, "Erklärung zur Barrierefreiheit")
    words = text_of(html)
    assert "BITV 2.0" in words
    assert "teilweise" in words  # what is not yet accessible is named
    assert "Leichter Sprache" in words and "Gebärdensprache" in words
    assert "Barriere melden" in words and 'href="mailto:info@starkestelle.de' in html
    assert "Schlichtungsstelle" in words and "schlichtungsstelle-bgg.de" in words


def test_every_public_page_links_impressum_privacy_and_accessibility(client, create_counsellor):
    create_counsellor("Anna")
    video = book(client, free_slots(client)[0]["start"]).json
    callback = client.post(
        "/api/v1/appointments",
        json={
            "type": "callback",
            "start": "2026-11-26T13:15:00+01:00",
            "name": "Amsel",
            "phone": "0151 23456789",
            "consent": True,
        },
    ).json
    manage = local_path(video["manage_url"])
    callback_page = local_path(callback["manage_url"])
    pages = [
        "/termin",
        manage,
        f"{manage}/cancel",
        callback_page,
        f"{callback_page}/cancel",
        "/termin/" + "x" * 43,  # not found
        "/datenschutz",
        "/barrierefreiheit",
    ]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        links = footer_links(html)
        assert links["Impressum"] == IMPRINT, path
        assert links["Datenschutz"] == "/datenschutz", path
        assert links["Barrierefreiheit"] == "/barrierefreiheit", path
    # the booking form's consent points at the whole notice
    booking = client.get("/termin").get_data(as_text=True)
    assert re.search(r'<a href="/datenschutz">[^<]*Datenschutzhinweis', booking)
    # and an error page too
    token = csrf_token(booking)
    assert footer_links(client.post("/termin", data={"csrf_token": token}).text)["Impressum"]


def test_the_favicon_is_a_real_icon_that_browsers_keep(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    body = icon.get_data()
    assert body[:4] == b"\x00\x00\x01\x00" and int.from_bytes(body[4:6], "little") >= 1
    assert 200 < len(body) < 10_000
    cache = icon.headers["Cache-Control"]
    assert "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 86400
    again = client.get("/favicon.ico", headers={"If-None-Match": icon.headers["ETag"]})
    assert again.status_code == 304
