"""Only Twilio may drive the phone line: every /twilio/* request needs a valid signature."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hotline.telephony.models import Call, WebhookEvent
from tests.support.twilio import PUBLIC_BASE_URL, sign, voice_params

CALL_SID = "CA" + "5" * 32


def count(svc, model) -> int:
    with svc.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_known_good_vector_from_twilio_documentation():
    """Our checks rest on the library's validator; pin it to Twilio's published example."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    validator = RequestValidator("12345")
    assert validator.validate(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert validator.validate(
        "https://mycompany.com:443/myapp.php?foo=1&bar=2", params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not validator.validate(url, {**params, "Digits": "1235"}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


def test_a_validly_signed_call_is_answered_and_recorded(twilio, svc):
    response = twilio.incoming(CALL_SID)
    assert response.status_code == 200
    assert response.mimetype in ("text/xml", "application/xml")
    assert count(svc, Call) == 1
    assert count(svc, WebhookEvent) == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing header
        "not-a-signature",
        sign(
            PUBLIC_BASE_URL + "/twilio/voice/incoming", voice_params(CALL_SID), token="other-token"
        ),
        sign(PUBLIC_BASE_URL + "/twilio/voice/incoming", voice_params(CALL_SID, caller="+4930123")),
        # what a naive check would use: the URL Flask sees behind the proxy
        sign("http://localhost/twilio/voice/incoming", voice_params(CALL_SID)),
    ],
    ids=["missing", "garbage", "wrong-token", "tampered-params", "internal-url"],
)
def test_bad_signatures_get_403_and_change_nothing(twilio, svc, signature):
    response = twilio.post("/twilio/voice/incoming", voice_params(CALL_SID), signature=signature)
    assert response.status_code == 403
    assert count(svc, Call) == 0
    assert count(svc, WebhookEvent) == 0


def test_proxy_rewritten_request_validates_against_the_public_url(client, svc):
    """Behind a TLS proxy Flask sees http://internal:8000, Twilio signed https://public/..."""
    params = voice_params(CALL_SID)
    signature = sign(PUBLIC_BASE_URL + "/twilio/voice/incoming", params)
    response = client.post(
        "/twilio/voice/incoming",
        data=params,
        headers={"X-Twilio-Signature": signature, "Host": "internal-worker:8000"},
        base_url="http://internal-worker:8000",
    )
    assert response.status_code == 200
    assert count(svc, Call) == 1


def test_signature_with_explicit_port_is_accepted(client):
    """Twilio sometimes signs https://host:443/...; the validator tries both forms."""
    params = voice_params(CALL_SID)
    signature = sign("https://hotline.example.org:443/twilio/voice/incoming", params)
    response = client.post(
        "/twilio/voice/incoming", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


def test_query_string_is_part_of_the_signed_url(twilio, client):
    twilio.incoming(CALL_SID)
    params = {**voice_params(CALL_SID), "Digits": "12345678"}
    path = "/twilio/voice/intake/case-number?attempt=1"
    unsigned_query = sign(PUBLIC_BASE_URL + "/twilio/voice/intake/case-number", params)
    assert twilio.post(path, params, signature=unsigned_query).status_code == 403
    assert twilio.post(path, params).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/voice/status",
        "/twilio/voice/fallback",
        "/twilio/voice/route",
        "/twilio/sms/incoming",
    ],
)
def test_every_twilio_url_demands_a_signature(client, svc, path):
    response = client.post(path, data={"CallSid": CALL_SID, "CallStatus": "completed"})
    assert response.status_code == 403
    assert count(svc, Call) == 0


def test_signed_get_requests_are_validated_over_the_query(client, svc):
    query = f"CallSid={CALL_SID}&From=%2B4915123456789&To=%2B498003009944&CallStatus=ringing"
    url = f"{PUBLIC_BASE_URL}/twilio/voice/incoming?{query}"
    good = client.get(
        f"/twilio/voice/incoming?{query}", headers={"X-Twilio-Signature": sign(url, {})}
    )
    assert good.status_code == 200
    bad = client.get(
        f"/twilio/voice/incoming?{query}&x=1", headers={"X-Twilio-Signature": sign(url, {})}
    )
    assert bad.status_code == 403
    assert count(svc, Call) == 1
