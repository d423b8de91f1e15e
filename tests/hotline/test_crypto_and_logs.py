"""Phone numbers are stored only encrypted, keys rotate, and logs never contain a number: not
the JSON lines of production, nor the short readable lines of development."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from hotline.app import create_app
from hotline.config import load_settings
from hotline.crypto import DataCipher, UndecryptableValue, generate_key
from hotline.logs import JsonFormatter, ReadableFormatter, RedactingFilter, redact
from hotline.services import services
from tests.support.twilio import TwilioRequests, app_environment, voice_params

NUMBER = "+4915123456789"


def test_a_rotated_key_still_reads_old_values_and_writes_with_the_new_one():
    old, new = generate_key(), generate_key()
    stored = DataCipher([old]).encrypt(NUMBER)
    rotated_cipher = DataCipher([new, old])
    assert rotated_cipher.decrypt(stored) == NUMBER
    rewritten = rotated_cipher.rotate(stored)
    assert DataCipher([new]).decrypt(rewritten) == NUMBER
    with pytest.raises(UndecryptableValue):
        DataCipher([new]).decrypt(stored)


@pytest.mark.parametrize(
    "text",
    [
        "caller +4915123456789 called",
        "caller +49 151 2345 6789 called",
        "caller 0151 23456789 called",
        "caller 004915123456789 called",
        "caller 4915123456789 called",
        "caller +49.151.2345.6789 called",
        "POST To=%2B4915123456789&From=x",
        "mail anna.berger@example.org please",
    ],
)
def test_numbers_and_addresses_are_redacted(text):
    assert "[redacted]" in redact(text)
    assert "2345" not in redact(text) and "example.org" not in redact(text)


def test_ids_times_and_case_references_survive_redaction():
    text = "call CA0123456789abcdef0123456789abcdef case 12345678 at 2026-11-26 09:00:00, 12.5 ms"
    assert redact(text) == text


def capture_logs(
    formatter: logging.Formatter | None = None,
) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter or JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.privacy")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_log_lines_are_json_and_carry_no_number_in_message_args_extra_or_traceback():
    logger, stream = capture_logs()
    logger.info("call from %s", NUMBER, extra={"caller": NUMBER, "call_sid": "CA1"})
    try:
        raise ValueError(f"cannot parse {NUMBER}")
    except ValueError:
        logger.exception("failed")
    output = stream.getvalue()
    assert "2345" not in output
    first, second = (json.loads(line) for line in output.splitlines() if line.startswith("{"))
    assert first["message"] == "call from [redacted]"
    assert first["caller"] == "[redacted]" and first["call_sid"] == "CA1"
    assert "[redacted]" in second["exception"]


TOKEN = "Zx3kQ9mV2pL8rT5wY1nB7cF4hJ6dS0gA-_eRuIoPaKl"  # 43 characters: a manage link's secret


def test_readable_log_lines_carry_no_number_address_or_link_secret_either():
    logger, stream = capture_logs(ReadableFormatter())
    logger.info("call from %s", NUMBER, extra={"caller": NUMBER, "call_sid": "CA1", "attempt": 2})
    logger.warning("mail to %s", "anna.berger@example.org", extra={"link": f"/termin/{TOKEN}"})
    try:
        raise ValueError(f"cannot parse {NUMBER} for anna.berger@example.org")
    except ValueError:
        logger.exception("failed")
    output = stream.getvalue()
    for secret in ("2345", "example.org", TOKEN):
        assert secret not in output
    first, second, third, *traceback = output.splitlines()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d INFO +test\.privacy: call from \[redacted\] "
        r"\(caller=\[redacted\], call_sid=CA1, attempt=2\)",
        first,
    ), first
    assert second.endswith("WARNING test.privacy: mail to [redacted] (link=/termin/[redacted])")
    assert third.endswith("ERROR   test.privacy: failed")
    assert traceback[0] == "Traceback (most recent call last):"
    assert "[redacted]" in traceback[-1]


def test_in_development_the_service_logs_short_readable_lines_and_no_routine(
    database_url, tmp_path, clock, capsys
):
    """The app as `make run` builds it: each request's line readable and redacted, and the
    schema check of /healthz (Alembic's "non-transactional DDL") says nothing at INFO."""
    environment = app_environment(database_url, HOTLINE_ENV="development")
    app = create_app(load_settings(environment, instance_path=tmp_path / "instance"), clock=clock)
    try:
        capsys.readouterr()
        answer = TwilioRequests(app.test_client()).post(
            "/twilio/voice/incoming", voice_params("CA" + "7" * 32)
        )
        assert answer.status_code == 200
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        services(app).database.dispose()

    logged = capsys.readouterr().err
    lines = logged.splitlines()
    assert lines and not [line for line in lines if line.startswith("{")]
    assert [line for line in lines if re.match(r"\d\d:\d\d:\d\d INFO .*call step answered", line)]
    assert "2345" not in logged
    for routine in ("transactional DDL", "Context impl"):
        assert routine not in logged


def test_a_whole_call_logs_no_caller_number(simulate_call, capsys):
    simulate_call(["-", "-"], silent_after_keys=True)
    captured = capsys.readouterr()
    assert "call step answered" in captured.err
    assert "2345" not in captured.err + captured.out


def test_new_values_are_sealed_with_aes_gcm_and_name_their_key():
    key = generate_key()
    cipher = DataCipher([key])
    first, second = cipher.encrypt(NUMBER), cipher.encrypt(NUMBER)
    assert first[:1] == b"\x01" and first != second  # a fresh nonce every time
    assert NUMBER.encode() not in first
    assert cipher.decrypt(first) == NUMBER and cipher.is_current(first)
    assert not DataCipher([generate_key(), key]).is_current(first)


def test_a_tampered_value_is_refused_not_misread():
    cipher = DataCipher([generate_key()])
    sealed = bytearray(cipher.encrypt(NUMBER))
    sealed[-1] ^= 1
    with pytest.raises(UndecryptableValue):
        cipher.decrypt(bytes(sealed))
    with pytest.raises(UndecryptableValue):
        cipher.decrypt(b"\x01\x00")


def test_fernet_values_of_earlier_versions_stay_readable():
    from cryptography.fernet import Fernet

    key = generate_key()
    legacy = Fernet(key.encode()).encrypt(NUMBER.encode())
    cipher = DataCipher([generate_key(), key])
    assert cipher.decrypt(legacy) == NUMBER and not cipher.is_current(legacy)
    assert cipher.is_current(cipher.rotate(legacy))
