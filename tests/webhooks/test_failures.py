"""Whatever breaks, the caller hears what to do next — never silence, never an HTTP 500."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select

from hotline.counsellors.models import Counsellor
from hotline.crypto import DataCipher, generate_key
from hotline.db import Database
from hotline.outbox.models import WorkItem
from hotline.telephony.call_log import find_call
from hotline.telephony.models import CallOutcome
from tests.support.twilio import voice_params

CALL_SID = "CA" + "9" * 32
UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/gone"


def assert_safe_twiml(response, *, english: bool) -> None:
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    body = response.get_data(as_text=True)
    assert "technischer Fehler" in body
    assert "info@starkestelle.de" in body
    assert "montags bis freitags von 9 bis 16 Uhr" in body
    assert ("technical error" in body) is english
    assert body.rstrip().endswith("<Hangup /></Response>")


def test_a_failure_inside_a_step_gives_safe_twiml_and_is_logged(twilio, svc, monkeypatch, caplog):
    def broken_lookup(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("scheduling.unit.opening_hours_at", broken_lookup)
    twilio.incoming(CALL_SID)
    with caplog.at_level(logging.ERROR):
        response = twilio.post(
            "/twilio/voice/route", voice_params(CALL_SID, CallStatus="in-progress")
        )
    assert_safe_twiml(response, english=False)
    assert any(record.getMessage() == "a call step failed" for record in caplog.records)
    with svc.database.transaction() as session:
        assert find_call(session, CALL_SID).outcome == CallOutcome.TECHNICAL_FAILURE


def test_a_counsellor_number_that_cannot_be_decrypted_is_skipped(
    twilio, svc, clock, create_counsellor, caplog
):
    """An old key dropped too early must not keep callers from the other counsellors."""
    other = DataCipher([generate_key()])
    with svc.database.transaction() as session:
        session.add(
            Counsellor(
                name="Alte Beraterin",
                phone_encrypted=other.encrypt("+4922812345"),
                on_duty=True,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    create_counsellor(phone="+49 228 7777777")
    twilio.incoming(CALL_SID)
    with caplog.at_level(logging.ERROR):
        response = twilio.post(
            "/twilio/voice/route", voice_params(CALL_SID, CallStatus="in-progress")
        )
    assert "<Enqueue" in response.get_data(as_text=True)
    with svc.database.transaction() as session:
        (ring,) = session.scalars(select(WorkItem).where(WorkItem.kind == "place_call"))
        assert json.loads(svc.cipher.decrypt(ring.payload_encrypted))["to"] == "+492287777777"
    assert any("cannot be decrypted" in record.getMessage() for record in caplog.records)


def test_an_english_caller_hears_the_apology_in_english_only(twilio, svc, monkeypatch):
    twilio.incoming(CALL_SID)
    twilio.post("/twilio/voice/intake/language", voice_params(CALL_SID, Digits="9"))

    def broken_lookup(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("scheduling.unit.opening_hours_at", broken_lookup)
    response = twilio.post("/twilio/voice/route", voice_params(CALL_SID))
    body = response.get_data(as_text=True)
    assert "technical error" in body and "technischer Fehler" not in body


def test_the_fallback_url_always_answers_in_german_and_english(twilio):
    response = twilio.post(
        "/twilio/voice/fallback",
        {**voice_params("CA" + "0" * 32), "ErrorCode": "11200", "ErrorUrl": "https://x/y"},
    )
    assert_safe_twiml(response, english=True)


def test_the_fallback_url_works_with_the_database_gone(twilio, svc):
    svc.database.dispose()
    svc.database = Database(UNREACHABLE_DATABASE)
    response = twilio.post("/twilio/voice/fallback", voice_params(CALL_SID))
    assert_safe_twiml(response, english=True)


def test_an_unknown_step_gives_safe_twiml_not_a_404(twilio):
    response = twilio.post("/twilio/voice/no-such-step", voice_params(CALL_SID))
    assert_safe_twiml(response, english=True)


def test_a_caller_still_hears_what_to_do_when_the_database_is_gone(twilio, svc):
    svc.database.dispose()
    svc.database = Database(UNREACHABLE_DATABASE)
    response = twilio.incoming(CALL_SID)
    assert_safe_twiml(response, english=True)
