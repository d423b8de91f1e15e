"""Correctly signed requests with hostile values: always answered, never a 5xx, nothing broken.

Twilio signs what it sends, but the service must not trust the shape of a value: the attack
run behind the hardening issue found status callbacks that got a 503 (and lost their update)
for a year 9999, a duration beyond 32 bits or a NUL byte.
"""

from __future__ import annotations

import string
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hotline.telephony.call_log import find_call
from hotline.telephony.models import Call, WebhookEvent
from tests.support.twilio import ACCOUNT_SID, voice_params

CALL_SID = "CA" + "4" * 32
STEP_PATHS = [
    "/twilio/voice/incoming",
    "/twilio/voice/intake/language",
    "/twilio/voice/intake/case-number",
    "/twilio/voice/route",
    "/twilio/voice/queue/wait",
    "/twilio/voice/queue/choice",
    "/twilio/voice/queue/result",
    "/twilio/voice/whisper",
    "/twilio/voice/whisper/answer",
    "/twilio/voice/closed",
]
ALL_PATHS = [
    *STEP_PATHS,
    "/twilio/voice/status",
    "/twilio/voice/fallback",
    "/twilio/voice/no-such-step",
    "/twilio/sms/incoming",
]


def is_twiml(response) -> bool:
    if response.mimetype not in ("text/xml", "application/xml"):
        return False
    return ET.fromstring(response.get_data()).tag == "Response"


def status_params(**extra: str) -> dict[str, str]:
    return {"CallSid": CALL_SID, "AccountSid": ACCOUNT_SID, "CallStatus": "completed", **extra}


@pytest.mark.parametrize(
    "hostile",
    [
        {"Timestamp": "Fri, 31 Dec 9999 23:30:00 -0100"},
        {"Timestamp": "Thu, 26 Nov 12345678901234567890 09:00:00 +0000"},
        {"Timestamp": "Thu, 26 Nov 2026 25:61:61 +0000"},
        {"Timestamp": "Thu, 26 Nov 1970 09:00:00 +0000"},
        {"CallDuration": "1000000000000"},
        {"CallDuration": "2147483648"},
        {"CallDuration": "-5"},
        {"CallDuration": "9" * 5000},
        {"SequenceNumber": "99999999999"},
        {"ParentCallSid": "CA" + "1" * 63},
        {"ParentCallSid": "CA\x00" + "1" * 31},
        {"Direction": "sideways" * 10},
    ],
)
def test_a_status_callback_with_an_implausible_value_records_the_rest(twilio, svc, hostile):
    twilio.incoming(CALL_SID)
    response = twilio.post("/twilio/voice/status", status_params(CallDuration="42") | hostile)
    assert response.status_code == 200 and is_twiml(response)
    with svc.database.transaction() as session:
        call = find_call(session, CALL_SID)
        assert call.status == "completed" and call.ended_at is not None
        if "CallDuration" not in hostile:
            assert call.duration_seconds == 42
        assert call.parent_call_sid is None


@pytest.mark.parametrize(
    "hostile",
    [
        {"CallStatus": "x" * 17},
        {"CallSid": "CA" + "1" * 63},
        {"CallSid": "CA\x00" + "1" * 31},
        {"CallSid": "'; DROP TABLE calls; --"},
    ],
)
def test_a_status_callback_without_a_usable_call_or_status_changes_nothing(twilio, svc, hostile):
    response = twilio.post("/twilio/voice/status", status_params() | hostile)
    assert response.status_code in (200, 400)
    with svc.database.transaction() as session:
        assert session.scalars(select(Call)).all() == []


@pytest.mark.parametrize("path", STEP_PATHS)
@pytest.mark.parametrize(
    "hostile",
    [
        {"CallSid": "CA" + "1" * 63},
        {"CallSid": "CA\x00" + "1" * 31},
        {"Digits": "12\x003"},
        {"Digits": "9" * 5000},
        {"From": "+49" + "1" * 100},
        {"From": "\x00\x01"},
        {"Direction": "\x00"},
        {"ParentCallSid": "x" * 65},
        {"DialCallStatus": "\x00" * 300},
    ],
)
def test_a_step_with_a_hostile_value_still_speaks_well_formed_twiml(twilio, path, hostile):
    twilio.incoming(CALL_SID)
    response = twilio.post(path, voice_params(CALL_SID) | hostile)
    assert response.status_code == 200 and is_twiml(response)


# --- generated values for every parameter, every path -------------------------------------
TWILIO_PARAMETERS = [
    "CallSid",
    "AccountSid",
    "From",
    "To",
    "CallStatus",
    "Direction",
    "ParentCallSid",
    "Digits",
    "Timestamp",
    "CallDuration",
    "SequenceNumber",
    "DialCallStatus",
    "DialCallSid",
    "DialCallDuration",
    "ErrorCode",
    "ErrorUrl",
    "QueueResult",
    "CallbackSource",
    "ApiVersion",
]
hostile_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=string.digits + "+-*# ()./", max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            CALL_SID,
            "CA" + "b" * 32,
            "completed",
            "in-progress",
            "ringing",
            "outbound-dial",
            "inbound",
            "anonymous",
            "+4915123456789",
            "12345678#",
            "Fri, 31 Dec 9999 23:30:00 -0100",
            "Thu, 26 Nov 2026 09:00:00 +0000",
            "\x00",
            "x" * 70,
        ]
    ),
)
requests = st.tuples(
    st.sampled_from(ALL_PATHS),
    st.one_of(st.none(), st.text(alphabet=string.digits + "-x%", max_size=5)),
    st.dictionaries(
        st.one_of(st.sampled_from(TWILIO_PARAMETERS), st.text(min_size=1, max_size=12)),
        hostile_text,
        max_size=10,
    ),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests)
def test_any_signed_request_is_answered_without_a_server_error(twilio, request):
    path, attempt, params = request
    url = path if attempt is None else f"{path}?attempt={attempt}"
    response = twilio.post(url, params)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.status_code != 403, "signed like Twilio, so never refused as forged"
    if path in STEP_PATHS or path.endswith(("/fallback", "/no-such-step")):
        assert response.status_code == 200 and is_twiml(response)
    if path.endswith("/status") and response.status_code == 200:
        assert is_twiml(response)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request_list=st.lists(requests, min_size=5, max_size=5))
def test_what_hostile_requests_stored_can_be_read_and_a_real_call_still_works(
    twilio, svc, simulate_call, request_list
):
    for path, _attempt, params in request_list:
        twilio.post(path, params)
    with svc.database.transaction() as session:
        for call in session.scalars(select(Call)):
            if call.caller_number_encrypted is not None:
                svc.cipher.decrypt(call.caller_number_encrypted)
            assert call.started_at.tzinfo is not None
        for event in session.scalars(select(WebhookEvent)):
            if event.response_encrypted is not None:
                ET.fromstring(svc.cipher.decrypt(event.response_encrypted))
    transcript = simulate_call(["-", "-"], silent_after_keys=True)
    assert not transcript.application_errors
