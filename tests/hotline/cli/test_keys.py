"""`hotline keys rotate`: after a new key is prepended, every stored value moves to it."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import select

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher, generate_key
from hotline.db import Database
from hotline.schema import metadata
from hotline.telephony.models import Call
from tests.support.twilio import DATA_KEY

NUMBER = "+4922812345678"


def stored(database_url: str, model, column: str) -> list[bytes]:
    metadata()
    database = Database(database_url)
    try:
        with database.transaction() as session:
            return list(session.scalars(select(getattr(model, column)).order_by(model.id)))
    finally:
        database.dispose()


def test_keygen_prints_a_key_the_service_accepts(hotline):
    result = hotline("keygen")
    assert result.exit_code == 0
    DataCipher([result.output.strip()])


def test_rotation_re_encrypts_every_number_and_a_second_run_finds_nothing_to_do(
    hotline, database_url
):
    for name in ("Anna", "Ben", "Cem"):
        assert hotline("counsellor", "add", name, "--phone", "0228 1234567").exit_code == 0
    hotline("simulate", "--keys", "- - -")  # a call: its caller number and answers are stored
    new_key = generate_key()
    both = f"{new_key},{DATA_KEY}"

    first = hotline("keys", "rotate", "--batch-size", "2", HOTLINE_DATA_KEY=both)
    assert first.exit_code == 0, first.output
    assert "counsellors.phone_encrypted" in first.output
    assert "      3 neu verschlüsselt" in first.output
    assert "calls.caller_number_encrypted" in first.output
    assert "können entfernt werden" in first.output

    newest_only = DataCipher([new_key])
    for token in stored(database_url, Counsellor, "phone_encrypted"):
        assert newest_only.decrypt(token) == "+492281234567"
    assert all(
        newest_only.is_current(t) for t in stored(database_url, Call, "caller_number_encrypted")
    )

    again = hotline("keys", "rotate", HOTLINE_DATA_KEY=both)
    assert "      0 neu verschlüsselt        3 schon aktuell" in again.output
    listing = hotline("counsellor", "list", HOTLINE_DATA_KEY=new_key)
    assert listing.exit_code == 0 and "unlesbar" not in listing.output


def test_values_written_as_fernet_tokens_by_earlier_versions_are_rotated_too(
    hotline, database_url, svc_for_cli
):
    legacy = Fernet(DATA_KEY.encode()).encrypt(NUMBER.encode())
    svc_for_cli.add_counsellor_with_token("Alt", legacy)
    result = hotline("keys", "rotate")
    assert "      1 neu verschlüsselt" in result.output
    (token,) = stored(database_url, Counsellor, "phone_encrypted")
    assert token[:1] == b"\x01" and DataCipher([DATA_KEY]).decrypt(token) == NUMBER


def test_values_no_configured_key_can_read_are_reported_and_left_alone(
    hotline, database_url, svc_for_cli
):
    lost = DataCipher([generate_key()]).encrypt(NUMBER)
    svc_for_cli.add_counsellor_with_token("Verloren", lost)
    result = hotline("keys", "rotate")
    assert result.exit_code == 1
    assert "1 Wert mit keinem eingetragenen Schlüssel lesbar" in result.output
    assert stored(database_url, Counsellor, "phone_encrypted") == [lost]
