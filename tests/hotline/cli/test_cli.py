"""The `hotline` command as operators use it: migrations, demo data, counsellors, hours, calls."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet

from tests.support.twilio import PUBLIC_BASE_URL


def test_keygen_prints_a_fernet_key(hotline):
    result = hotline("keygen")
    assert result.exit_code == 0
    Fernet(result.output.strip().encode())


def test_db_upgrade_is_repeatable(hotline):
    result = hotline("db", "upgrade")
    assert result.exit_code == 0
    assert "schon aktuell" in result.output
    from hotline import migrate

    assert f"aktuell {migrate.head_revision()}" in hotline("db", "current").output


def test_seed_demo_only_fills_an_empty_database(hotline):
    first = hotline("seed-demo", "--if-empty")
    assert "Anna Berger" in first.output
    second = hotline("seed-demo", "--if-empty")
    assert "übersprungen" in second.output
    listing = hotline("counsellor", "list").output
    assert listing.count("  im Dienst ") == 2 and listing.count("nicht im Dienst") == 1
    assert "23125000" not in listing  # numbers are masked
    assert "Beispielangebote angelegt: 7 Angebote (BEISPIELDATEN" in first.output
    assert "Konten der Konsole angelegt: admin@example.org, anna.berger@example.org" in first.output
    staff = hotline("staff", "list").output
    assert "admin@example.org" in staff and "anna.berger@example.org" in staff
    assert "Beispielangebote angelegt" not in second.output


def test_seed_demo_adds_no_console_logins_in_production(hotline, cli_environment):
    result = hotline(
        "seed-demo",
        HOTLINE_ENV="production",
        SECRET_KEY="s" * 40,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        PUBLIC_BASE_URL="https://hotline.example.org",
    )
    assert "keine Demo-Konten in Produktion" in result.output, result.output
    assert "admin@example.org" not in hotline("staff", "list").output


def test_counsellors_are_added_listed_and_put_on_duty(hotline):
    assert hotline("counsellor", "add", "Mia Sommer", "--phone", "0228 1234567").exit_code == 0
    assert "Mia Sommer  nicht im Dienst" in hotline("counsellor", "list").output
    assert hotline("counsellor", "duty", "Mia Sommer", "on").exit_code == 0
    assert "Mia Sommer  im Dienst" in hotline("counsellor", "list").output


def test_counsellor_mistakes_get_clear_messages(hotline):
    bad_number = hotline("counsellor", "add", "Mia", "--phone", "12")
    assert bad_number.exit_code == 2 and "--phone" in bad_number.output
    hotline("counsellor", "add", "Mia", "--phone", "0228 1234567")
    taken = hotline("counsellor", "add", "Mia", "--phone", "0228 7654321")
    assert taken.exit_code == 1 and "gibt es schon" in taken.output
    unknown = hotline("counsellor", "duty", "Nobody", "on")
    assert unknown.exit_code == 1 and "keine Berater:in namens 'Nobody'" in unknown.output


def test_hours_explains_holidays_and_the_next_opening(hotline):
    result = hotline("hours", "--at", "2027-03-26 10:30")
    assert result.exit_code == 0
    assert "GESCHLOSSEN (Feiertag: Karfreitag)" in result.output
    assert "Nächste Öffnung: Dienstag, 30.03.2027, 09:00 Uhr" in result.output
    open_result = hotline("hours", "--at", "2026-11-26T15:59:59+01:00")
    assert "GEÖFFNET bis Donnerstag, 26.11.2026, 16:00 Uhr" in open_result.output


def test_hours_rejects_an_unreadable_time(hotline):
    result = hotline("hours", "--at", "next tuesday")
    assert result.exit_code == 2
    assert "2026-12-24T10:00" in result.output


def test_an_override_set_from_the_cli_is_heard_by_callers_and_can_be_cleared(hotline):
    result = hotline(
        "hours", "set", "closed", "--until", "2027-01-01 12:00",
        "--note", "Teamtag", "--announcement", "Heute ist Teamtag",
    )  # fmt: skip
    assert result.exit_code == 0 and "Teamtag" in result.output
    status = hotline("hours")
    assert "GESCHLOSSEN (Ausnahme: Teamtag)" in status.output
    call = hotline("simulate", "--keys", "- - -")
    assert "Unsere Telefonberatung ist gerade nicht besetzt: Heute ist Teamtag." in call.output
    assert "1 Ausnahme aufgehoben" in hotline("hours", "clear").output
    assert "Ausnahme" not in hotline("hours").output


def test_simulate_walks_a_scripted_call_and_prints_what_the_caller_hears(hotline):
    hotline("seed-demo")
    result = hotline(
        "simulate",
        "--at",
        "2026-11-27 10:00",
        "--keys",
        "- -",
        "--counsellor",
        "mailbox",
        "--counsellor",
        "busy",
    )
    assert result.exit_code == 0, result.output
    assert "🔊 [de-DE] Guten Tag. Hier ist die starke Stelle" in result.output
    # both let it pass, and both are offered the caller again after the repass time
    assert result.output.count("wird angerufen (+49302") > 2
    assert "Anruf über die starke Stelle, Fall" in result.output  # the mailbox hears it
    assert "Sie sind an Position 1" in result.output
    assert "niemand von uns Ihren Anruf annehmen" in result.output
    assert "Ergebnis no_accept_within_max_wait, Fall " in result.output
    assert "+493023125" not in result.output


def test_simulate_connects_when_a_counsellor_presses_1(hotline):
    hotline("seed-demo")
    result = hotline("simulate", "--at", "2026-11-27 10:00", "--keys", "- -")
    assert result.exit_code == 0, result.output
    assert "drückt 1" in result.output
    assert "Danke für Ihren Anruf" in result.output
    assert "Ergebnis connected, Fall " in result.output


def test_simulate_calls_a_running_service_over_http(hotline, live_server, caplog):
    """`make run` in one terminal, `hotline simulate --url` in another."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    result = hotline(
        "simulate", "--url", live_server, "--keys", "- - -", PUBLIC_BASE_URL=PUBLIC_BASE_URL
    )
    assert result.exit_code == 0, result.output
    assert "/twilio/voice/incoming → 200" in result.output
    assert "Ergebnis nobody_on_duty, Fall " in result.output
    served = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("POST /twilio/voice/incoming" in line for line in served)


def test_simulate_refuses_a_clock_for_a_running_service(hotline):
    result = hotline("simulate", "--url", "http://127.0.0.1:8000", "--at", "2026-11-28 11:00")
    assert result.exit_code == 2 and "keeps its own" in result.output


def test_simulate_is_interactive_without_a_script(hotline):
    result = hotline("simulate", "--at", "2026-11-28 11:00", "--from", "anonymous", input="9\n\n\n")
    assert result.exit_code == 0, result.output
    assert "You can reach us again from Monday 30 November at 9 a.m." in result.output
    assert "Ergebnis closed_informed" in result.output


def test_simulate_refuses_production(hotline):
    result = hotline(
        "simulate",
        "--keys",
        "-",
        catch_exceptions=True,
        HOTLINE_ENV="production",
        PUBLIC_BASE_URL="https://hotline.example.org",
        SECRET_KEY="secret",
    )
    assert result.exit_code == 1
    assert "not against production" in result.output


def test_a_counsellor_whose_number_no_key_can_read_is_listed_as_unreadable(hotline, svc_for_cli):
    """After a key was dropped too early the list must still show everyone, not crash."""
    from hotline.crypto import DataCipher, generate_key

    hotline("counsellor", "add", "Mia Sommer", "--phone", "0228 1234567", "--on-duty")
    svc_for_cli.add_counsellor_with_token(
        "Alte Beraterin", DataCipher([generate_key()]).encrypt("+49228")
    )
    result = hotline("counsellor", "list")
    assert result.exit_code == 0, result.output
    assert "Alte Beraterin  im Dienst        (Nummer unlesbar" in result.output
    assert "Mia Sommer      im Dienst        +49228•" in result.output


def test_times_typed_on_the_command_line_are_in_the_configured_time_zone(hotline, tmp_path):
    config = tmp_path / "hotline.toml"
    config.write_text('[hours]\ntimezone = "Europe/London"\nholiday_region = ""\n')
    # 09:30 in London is open; read as Berlin time it would be 08:30 in London, closed
    result = hotline("hours", "--at", "2026-11-26 09:30", HOTLINE_CONFIG=str(config))
    assert result.exit_code == 0, result.output
    assert "GEÖFFNET bis Donnerstag, 26.11.2026, 16:00 Uhr" in result.output
    assert "(Europe/London)" in result.output


def test_commands_get_the_cli_database_limits_not_the_web_ones(cli_environment):
    """Migrations and long commands must not die of the web's 5 s statement timeout."""
    from sqlalchemy import text

    from hotline.cli.support import cli_services

    with pytest.MonkeyPatch.context() as patch:
        for name, value in cli_environment.items():
            patch.setenv(name, value)
        database = cli_services().database
    try:
        with database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
            else:
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    finally:
        database.dispose()


def test_simulate_url_signs_for_the_service_it_calls_when_no_public_url_is_set(
    hotline, database_url, tmp_path
):
    """`make run` with PORT=8123 in one terminal, `hotline simulate --url` in another."""
    import socket
    import threading

    from werkzeug.serving import make_server

    from hotline.app import create_app
    from hotline.config import load_settings
    from hotline.services import services
    from tests.support.twilio import app_environment

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    own_url = f"http://127.0.0.1:{port}"
    settings = load_settings(
        app_environment(database_url, PUBLIC_BASE_URL=own_url), instance_path=tmp_path / "srv"
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        result = hotline("simulate", "--url", own_url, "--keys", "- - -")
    finally:
        server.shutdown()
        thread.join()
        services(app).database.dispose()
    assert result.exit_code == 0, result.output
    assert f"{own_url}/twilio/voice/incoming → 200" in result.output
