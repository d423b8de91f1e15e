"""`hotline doctor`: a production configuration checked against the real things it names —
the fake Twilio REST API over HTTP, a local SMTP server, the Redis server, the test database
(SQLite and PostgreSQL) — one line a check, exit code 1 on any failure, no secret printed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hotline.crypto import DataCipher, generate_key
from hotline.db import Database
from hotline.migrate import downgrade, head_revision, upgrade
from tests.support.redis_store import redis_store
from tests.support.smtp_server import LocalSmtpServer, _free_port
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, DATA_KEY, PUBLIC_BASE_URL

NUMBER = "+498003009944"
SECRET_KEY = "a-secret-key-for-sessions-0123456789"
SMTP_PASSWORD = "smtp-password-never-shown"


@pytest.fixture
def redis_url():
    """The Redis server on this machine, a database of its own (the check only pings)."""
    with redis_store() as store:
        yield store.url.rsplit("/", 1)[0] + "/12"


@pytest.fixture
def smtp_with_login():
    with LocalSmtpServer(logins={"hotline": SMTP_PASSWORD}) as server:
        yield server


@pytest.fixture
def production(database_url, fake_twilio, smtp_with_login, redis_url, tmp_path):
    """A production configuration that is ready: every check passes."""
    fake_twilio.credentials = (ACCOUNT_SID, AUTH_TOKEN)
    fake_twilio.own_number(NUMBER, PUBLIC_BASE_URL)
    fake_twilio.own_number("+4922812345678", "https://elsewhere.example.org")
    return {
        "HOTLINE_ENV": "production",
        "DATABASE_URL": database_url,
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "HOTLINE_NUMBER": NUMBER,
        "SECRET_KEY": SECRET_KEY,
        "HOTLINE_DATA_KEY": DATA_KEY,
        "SMTP_URL": (
            f"smtp://hotline:{SMTP_PASSWORD}@{smtp_with_login.host}:{smtp_with_login.port}"
        ),
        "MAIL_FROM": "starke Stelle <info@starkestelle.de>",
        "RATELIMIT_STORAGE_URI": redis_url,
        "WEB_CONCURRENCY": "2",
        "HOTLINE_CONFIG": "",
    }


@pytest.fixture
def doctor(hotline, production, clock, database_url):
    """`hotline doctor` with the production configuration (changed by keyword arguments).

    The machine's time as the service reads it is the test's clock, set to the database's
    own clock first: the check compares the two, and both stay in step even when the suite
    runs with the system clock moved (faketime moves this process, not the PostgreSQL
    server)."""

    def run(*args: str, **changes: str):
        clock.set(database_now(database_url))
        return hotline("doctor", *args, **{**production, **changes})

    return run


def database_now(url: str):
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return database.kind.database_now(connection)
    finally:
        database.dispose()


def line(output: str, name: str) -> str:
    """The report's line of one check."""
    (found,) = [row for row in output.splitlines() if re.match(rf"^\S+\s+{re.escape(name)}  ", row)]
    return found


def outcome(output: str, name: str) -> str:
    return line(output, name).split()[0]


def assert_no_secret(output: str) -> None:
    for secret in (AUTH_TOKEN, DATA_KEY, SECRET_KEY, SMTP_PASSWORD, NUMBER):
        assert secret not in output


CHECKS = (
    "Umgebung",
    "Pflichtvariablen",
    "Konfiguration",
    "Datenschlüssel",
    "Öffentliche URL",
    "Datenbank",
    "Schema",
    "Gespeicherte Daten",
    "Uhrzeit",
    "Twilio-Zugang",
    "Twilio-Nummer",
    "SMTP",
    "Speicher der Rate-Limits",
)


def test_a_ready_configuration_passes_every_check_and_prints_no_secret(doctor, fake_twilio):
    result = doctor()
    assert result.exit_code == 0, result.output
    for name in CHECKS:
        assert outcome(result.output, name) == "ok", line(result.output, name)
    assert "13 ok, 0 Fehler, 0 übersprungen." in result.output
    assert f"Stand {head_revision()}" in line(result.output, "Schema")
    assert "+49800•••••44" in line(result.output, "Twilio-Nummer")
    assert "redis://127.0.0.1:6379/12 antwortet" in result.output
    assert_no_secret(result.output)
    # Twilio was only asked, never told: GETs of the account and of the number
    assert {request.method for request in fake_twilio.requests} == {"GET"}


def test_the_mail_server_is_asked_about_the_sender_but_no_mail_is_sent(doctor, smtp_with_login):
    result = doctor()
    assert "nimmt den Absender MAIL_FROM an" in line(result.output, "SMTP")
    assert smtp_with_login.received == []


def test_a_wrong_auth_token_fails_naming_twilio_auth_token(doctor, fake_twilio):
    fake_twilio.credentials = (ACCOUNT_SID, "the-token-twilio-has-now-0000000")
    result = doctor()
    assert result.exit_code == 1
    account = line(result.output, "Twilio-Zugang")
    assert account.startswith("Fehler") and "(401)" in account
    assert "TWILIO_AUTH_TOKEN" in account
    assert outcome(result.output, "Twilio-Nummer") == "übersprungen"
    assert "the-token-twilio-has-now" not in result.output
    assert_no_secret(result.output)


def test_a_number_pointing_elsewhere_fails_naming_the_url_to_set(doctor, fake_twilio):
    fake_twilio.phone_numbers.clear()
    fake_twilio.own_number(
        NUMBER, PUBLIC_BASE_URL, voice_url="https://old-provider.example.net/voice"
    )
    result = doctor()
    assert result.exit_code == 1
    number = line(result.output, "Twilio-Nummer")
    assert number.startswith("Fehler")
    assert "A call comes in: https://old-provider.example.net/voice" in number
    assert f"A call comes in = {PUBLIC_BASE_URL}/twilio/voice/incoming" in number
    assert "Primary handler fails" not in number  # what is right is not named


def test_a_number_without_webhooks_or_not_in_the_account_fails(doctor, fake_twilio):
    fake_twilio.phone_numbers.clear()
    fake_twilio.own_number(NUMBER, None)
    unset = line(doctor().output, "Twilio-Nummer")
    assert "A call comes in: (leer)" in unset
    assert f"Call status changes = {PUBLIC_BASE_URL}/twilio/voice/status" in unset

    fake_twilio.phone_numbers.clear()
    missing = doctor()
    assert missing.exit_code == 1
    assert "gehört nicht zu diesem Twilio-Konto" in line(missing.output, "Twilio-Nummer")


def test_offline_skips_the_twilio_checks_and_asks_twilio_nothing(doctor, fake_twilio):
    fake_twilio.credentials = (ACCOUNT_SID, "a-token-that-would-be-refused-00")
    result = doctor("--offline")
    assert result.exit_code == 0, result.output  # skipped is not a failure
    assert outcome(result.output, "Twilio-Zugang") == "übersprungen"
    assert outcome(result.output, "Twilio-Nummer") == "übersprungen"
    assert "11 ok, 0 Fehler, 2 übersprungen." in result.output
    assert fake_twilio.requests == []


def test_a_mail_server_refusing_the_sender_fails_naming_mail_from(doctor, smtp_with_login):
    smtp_with_login.fail_next(1, 553, stage="mail")
    result = doctor()
    assert result.exit_code == 1
    smtp = line(result.output, "SMTP")
    assert smtp.startswith("Fehler") and "553" in smtp and "MAIL_FROM" in smtp
    assert_no_secret(result.output)


def test_a_wrong_smtp_password_and_a_server_not_listening_fail(doctor, smtp_with_login):
    wrong = doctor(SMTP_URL=f"smtp://hotline:wrong@{smtp_with_login.host}:{smtp_with_login.port}")
    assert "Anmeldung scheitert" in line(wrong.output, "SMTP")
    assert "wrong@" not in wrong.output

    nobody = doctor(SMTP_URL=f"smtp://127.0.0.1:{_free_port('127.0.0.1')}")
    assert nobody.exit_code == 1
    assert "nicht erreichbar" in line(nobody.output, "SMTP")


def test_production_without_smtp_url_fails(doctor):
    result = doctor(SMTP_URL="")
    assert result.exit_code == 1
    assert "SMTP_URL ist nicht gesetzt" in line(result.output, "SMTP")


def test_a_rate_limit_store_not_answering_fails(doctor):
    result = doctor(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_free_port('127.0.0.1')}/12")
    assert result.exit_code == 1
    assert line(result.output, "Speicher der Rate-Limits").startswith("Fehler")


def test_per_process_limits_fail_with_several_workers_unless_a_single_node(doctor):
    several = doctor(RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="4")
    assert "memory:// mit 4 Web-Workern" in line(several.output, "Speicher der Rate-Limits")
    assert several.exit_code == 1

    single = doctor(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_SINGLE_NODE="1")
    assert single.exit_code == 0, single.output
    assert "jeder Web-Prozess zählt für sich" in line(single.output, "Speicher der Rate-Limits")


def test_a_database_behind_the_code_fails_with_db_upgrade_as_the_remedy(doctor, database_url):
    database = Database(database_url)
    downgrade(database.engine, "-1")
    try:
        result = doctor()
    finally:
        upgrade(database.engine, cipher=DataCipher([DATA_KEY]))
        database.dispose()
    assert result.exit_code == 1
    schema = line(result.output, "Schema")
    assert schema.startswith("Fehler") and "`hotline db upgrade`" in schema
    assert f"erwartet {head_revision()}" in schema
    assert outcome(result.output, "Gespeicherte Daten") == "übersprungen"


def test_a_database_not_answering_fails_and_its_checks_are_skipped(doctor):
    unreachable = f"postgresql+psycopg://hotline:db-password@127.0.0.1:{_free_port('127.0.0.1')}/x"
    result = doctor(DATABASE_URL=unreachable)
    assert result.exit_code == 1
    assert "antwortet nicht" in line(result.output, "Datenbank")
    assert "DATABASE_URL prüfen" in line(result.output, "Datenbank")
    assert "db-password" not in result.output
    for name in ("Schema", "Gespeicherte Daten", "Uhrzeit"):
        assert outcome(result.output, name) == "übersprungen"


def test_missing_production_variables_fail_naming_them_without_a_traceback(doctor):
    result = doctor(SECRET_KEY="", HOTLINE_DATA_KEY="  ", TWILIO_AUTH_TOKEN="")
    assert result.exit_code == 1
    required = line(result.output, "Pflichtvariablen")
    assert required.startswith("Fehler")
    assert "Es fehlen: TWILIO_AUTH_TOKEN, SECRET_KEY, HOTLINE_DATA_KEY." in required
    assert "Traceback" not in result.output
    assert outcome(result.output, "Datenbank") == "übersprungen"


def test_a_setting_the_service_refuses_becomes_a_failed_line(doctor):
    result = doctor(TRUSTED_PROXIES="9")
    assert result.exit_code == 1
    settings = line(result.output, "Konfiguration")
    assert settings.startswith("Fehler") and "TRUSTED_PROXIES" in settings


def test_a_development_environment_is_no_production_configuration(doctor):
    result = doctor(HOTLINE_ENV="development")
    assert result.exit_code == 1
    assert "HOTLINE_ENV=production setzen" in line(result.output, "Umgebung")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://hotline.example.org", "kein https"),
        (f"{PUBLIC_BASE_URL}/twilio/voice/incoming", "enthält schon /twilio/"),
        ("https://127.0.0.1:8000", "lokalen oder privaten Host"),
        ("https://hotline.example.org//hotline", "Pfad mit //"),
    ],
)
def test_a_public_base_url_twilio_cannot_use_fails(doctor, url, said):
    result = doctor("--offline", PUBLIC_BASE_URL=url)
    assert result.exit_code == 1
    public = line(result.output, "Öffentliche URL")
    assert public.startswith("Fehler") and said in public
    assert "https://" in public.split("→")[1]  # the value to set instead


def test_a_clock_out_of_step_with_the_database_fails_beyond_the_tolerance(doctor, clock):
    result = doctor()
    assert outcome(result.output, "Uhrzeit") == "ok"

    def ahead(seconds: int, *args: str):
        # the machine's clock `seconds` ahead of the database's
        original = clock.set
        clock.set = lambda at: original(at + timedelta(seconds=seconds))  # type: ignore[method-assign]
        try:
            return doctor(*args)
        finally:
            clock.set = original  # type: ignore[method-assign]

    late = ahead(30)
    assert late.exit_code == 1
    assert "geht 30.0 s vor" in line(late.output, "Uhrzeit")
    assert "NTP" in line(late.output, "Uhrzeit")
    assert outcome(ahead(30, "--clock-tolerance", "60").output, "Uhrzeit") == "ok"
    assert "geht 30.0 s nach" in line(ahead(-30).output, "Uhrzeit")


def test_stored_values_no_configured_key_opens_fail(doctor, svc_for_cli):
    lost = DataCipher([generate_key()]).encrypt("+4922812345678")
    svc_for_cli.add_counsellor_with_token("Verloren", lost)
    result = doctor()
    assert result.exit_code == 1
    stored = line(result.output, "Gespeicherte Daten")
    assert "1 von 1 gelesenen Werten" in stored and "hotline keys rotate" in stored


def test_values_under_an_older_key_of_the_rotation_list_are_ok_and_named(doctor, svc_for_cli):
    svc_for_cli.add_counsellor_with_token("Alt", DataCipher([DATA_KEY]).encrypt("+4922812345678"))
    result = doctor(HOTLINE_DATA_KEY=f"{generate_key()},{DATA_KEY}")
    assert result.exit_code == 0, result.output
    assert "2 Schlüssel" in line(result.output, "Datenschlüssel")
    assert "1 davon noch mit einem älteren Schlüssel" in line(result.output, "Gespeicherte Daten")


def test_a_data_key_that_is_no_key_or_named_twice_fails(doctor):
    invalid = doctor(HOTLINE_DATA_KEY=f"{DATA_KEY},not-a-key")
    assert "key 2 is not a Fernet key" in line(invalid.output, "Datenschlüssel")
    assert invalid.exit_code == 1
    twice = doctor(HOTLINE_DATA_KEY=f"{DATA_KEY},{DATA_KEY}")
    assert "mehrfach (Position 2)" in line(twice.output, "Datenschlüssel")
    assert_no_secret(invalid.output + twice.output)
