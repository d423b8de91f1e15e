"""The outbound gateway talks to Twilio's REST API through the real client (here: a local fake)."""

from __future__ import annotations

import pytest

from hotline.telephony.gateway import ConsoleGateway, GatewayError, OutboundCall, TwilioGateway

ACCOUNT = "AC" + "1" * 32
COUNSELLOR = "+492281234567"


def gateway_for(fake) -> TwilioGateway:
    return TwilioGateway(ACCOUNT, "token", sender="+498003009944", api_base_url=fake.url)


def test_the_app_uses_twilio_through_the_configured_api_base_url(svc, fake_twilio):
    sid = svc.gateway.place_call(
        OutboundCall(
            to=COUNSELLOR,
            twiml_url="https://hotline.example.org/twilio/voice/callback/answer",
            status_callback_url="https://hotline.example.org/twilio/voice/status",
            caller_id="+498003009944",
        )
    )
    [request] = fake_twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert request.authorization.startswith("Basic ")
    assert request.form["To"] == [COUNSELLOR]
    assert request.form["From"] == ["+498003009944"]
    assert request.form["Url"] == ["https://hotline.example.org/twilio/voice/callback/answer"]
    assert request.form["StatusCallback"] == ["https://hotline.example.org/twilio/voice/status"]
    events = set(request.form["StatusCallbackEvent"])
    assert events == {"initiated", "ringing", "answered", "completed"}
    assert request.form["Record"] == ["false"]
    assert sid.startswith("CA") and len(sid) == 34


def test_sms_and_ending_a_call_go_through_the_same_gateway(fake_twilio):
    gateway = gateway_for(fake_twilio)
    assert gateway.send_sms(COUNSELLOR, "Rückruf um 10 Uhr").startswith("SM")
    [sms] = fake_twilio.messages_sent()
    assert sms["Body"] == ["Rückruf um 10 Uhr"] and sms["From"] == ["+498003009944"]
    gateway.end_call("CA" + "2" * 32)
    last = fake_twilio.requests[-1]
    assert last.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{'CA' + '2' * 32}.json"
    assert last.form["Status"] == ["completed"]


def test_a_refusal_from_twilio_is_a_gateway_error_without_the_number(fake_twilio):
    fake_twilio.fail_with = 401
    with pytest.raises(GatewayError) as error:
        gateway_for(fake_twilio).send_sms(COUNSELLOR, "Test")
    assert "401" in str(error.value)
    assert COUNSELLOR not in str(error.value)


def test_an_unreachable_twilio_is_a_gateway_error():
    gateway = TwilioGateway(
        ACCOUNT, "token", sender="+498003009944", api_base_url="http://127.0.0.1:1"
    )
    with pytest.raises(GatewayError, match="could not be reached"):
        gateway.send_sms(COUNSELLOR, "Test")


def test_the_console_gateway_prints_with_masked_numbers():
    printed: list[str] = []
    gateway = ConsoleGateway(printed.append)
    gateway.send_sms(COUNSELLOR, "Hallo")
    gateway.place_call(OutboundCall(COUNSELLOR, "https://x/twiml", "https://x/status", "+49800"))
    assert len(printed) == 2
    assert all(COUNSELLOR not in line and "+49228" in line for line in printed)
