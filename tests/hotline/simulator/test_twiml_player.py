"""The simulated Twilio follows TwiML as Twilio does: a call walked in a test is a real call."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask, abort, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from hotline.simulator import (
    CallEvent,
    CallPlayer,
    EndedBy,
    EventKind,
    FlaskClientTransport,
    HttpTransport,
    InteractiveCaller,
    ScriptedCaller,
    ScriptExhausted,
    TransportError,
    TwimlReply,
    format_event,
)
from tests.hotline.simulator.canned import CALLER, INCOMING, STATUS, FakeService, play, twiml

TOKEN = "simulator-test-token"
PUBLIC = "https://hotline.example.org"


# --- <Gather> ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "keys", "digits", "finished_on_key"),
    [
        ('numDigits="1"', "12", "1", ""),
        ('numDigits="8"', "12345678#", "12345678", ""),
        ("", "1234#99", "1234", "#"),
        ('numDigits="8"', "1234#", "1234", "#"),
        ('finishOnKey="*"', "12#4*5", "12#4", "*"),
        ('finishOnKey=""', "12#", "12#", ""),
    ],
)
def test_gather_submits_digits_up_to_num_digits_or_finish_key(
    attributes, keys, digits, finished_on_key
):
    pages = {
        INCOMING: twiml(
            f'<Gather action="/twilio/voice/menu" {attributes}>'
            '<Say language="de-DE">Bitte wählen Sie.</Say></Gather>'
        ),
        "/twilio/voice/menu": twiml('<Say language="de-DE">Danke.</Say>'),
    }
    transcript, service = play(pages, keys=[keys])
    [sent] = service.params_sent_to("/twilio/voice/menu")
    assert sent["Digits"] == digits
    assert sent["FinishedOnKey"] == finished_on_key
    assert transcript.spoken_text == "Bitte wählen Sie.\nDanke."


@pytest.mark.parametrize("keys", ["", "-", "#"])
def test_silence_falls_through_to_the_next_verb(keys):
    pages = {
        INCOMING: twiml(
            '<Gather action="/twilio/voice/menu" timeout="7"><Say>Taste?</Say></Gather>'
            '<Say language="de-DE">Wir haben nichts gehört.</Say>'
        ),
    }
    transcript, service = play(pages, keys=[keys])
    assert service.params_sent_to("/twilio/voice/menu") == []
    assert transcript.said("Wir haben nichts gehört.")
    assert transcript.ended_by == EndedBy.END_OF_DOCUMENT


def test_silence_with_action_on_empty_result_requests_the_action_with_empty_digits():
    pages = {
        INCOMING: twiml(
            '<Gather action="/twilio/voice/menu" actionOnEmptyResult="true"><Say>Taste?</Say>'
            "</Gather><Say>Nicht erreicht.</Say>"
        ),
        "/twilio/voice/menu": twiml("<Say>Keine Eingabe erhalten.</Say>"),
    }
    transcript, service = play(pages, keys=["-"])
    [sent] = service.params_sent_to("/twilio/voice/menu")
    assert sent["Digits"] == ""
    assert transcript.said("Keine Eingabe erhalten.")
    assert not transcript.said("Nicht erreicht.")


def test_gather_without_action_submits_to_the_same_document():
    pages = {
        INCOMING: lambda params: (
            twiml("<Say>Sie wählten zwei.</Say>")
            if params.get("Digits") == "2"
            else twiml('<Gather numDigits="1"><Say>Wählen Sie.</Say></Gather>')
        )
    }
    transcript, service = play(pages, keys=["2"])
    assert [url for _, url, _ in service.received] == [INCOMING, INCOMING, STATUS]
    assert transcript.said("Sie wählten zwei.")


# --- URLs and methods ---------------------------------------------------------------------------


def test_relative_urls_resolve_against_the_document_that_named_them():
    pages = {
        "/twilio/voice/menu/start": twiml(
            '<Gather action="choice?attempt=2" method="GET" numDigits="1"/>'
        ),
        "/twilio/voice/menu/choice?attempt=2": twiml("<Redirect>../after</Redirect>"),
        "/twilio/voice/after": twiml(
            f'<Redirect method="GET">{PUBLIC}/twilio/voice/absolute</Redirect>'
        ),
        f"{PUBLIC}/twilio/voice/absolute": twiml("<Say>Angekommen.</Say>"),
    }
    transcript, service = play(pages, keys=["5"], voice_url="/twilio/voice/menu/start")
    assert [(method, url) for method, url, _ in service.received] == [
        ("POST", "/twilio/voice/menu/start"),
        ("GET", "/twilio/voice/menu/choice?attempt=2"),
        ("POST", "/twilio/voice/after"),
        ("GET", f"{PUBLIC}/twilio/voice/absolute"),
        ("POST", STATUS),
    ]
    assert transcript.said("Angekommen.")


def test_redirect_loop_stops_at_max_requests():
    pages = {INCOMING: twiml("<Say>Immer wieder.</Say><Redirect>incoming</Redirect>")}
    transcript, service = play(pages, max_requests=5)
    assert len(service.params_sent_to(INCOMING)) == 5
    assert transcript.ended_by == EndedBy.LOOP_GUARD
    assert len(transcript.of_kind(EventKind.LOOP_GUARD)) == 1
    assert service.params_sent_to(STATUS), "the final status callback is still sent"


# --- standard parameters --------------------------------------------------------------------


@pytest.mark.parametrize("withheld", ["anonymous", ""])
def test_every_request_carries_twilios_voice_parameters(withheld):
    pages = {
        INCOMING: twiml('<Gather action="/twilio/voice/menu" numDigits="1"/>'),
        "/twilio/voice/menu": twiml("<Hangup/>"),
    }
    transcript, service = play(pages, keys=["1"], from_number=withheld)
    first, second, status = (params for _, _, params in service.received)
    for params in (first, second, status):
        assert params["CallSid"] == transcript.call_sid
        assert params["AccountSid"] == "AC" + "0" * 32
        assert params["From"] == params["Caller"] == withheld
        assert params["To"] == params["Called"] == "+498003009944"
        assert params["Direction"] == "inbound"
        assert params["ApiVersion"] == "2010-04-01"
    assert first["CallStatus"] == "ringing"
    assert second["CallStatus"] == "in-progress"
    assert transcript.call_sid.startswith("CA") and len(transcript.call_sid) == 34
    int(transcript.call_sid[2:], 16)


def test_caller_hanging_up_at_a_gather_ends_the_call():
    pages = {
        INCOMING: twiml(
            '<Gather action="/twilio/voice/menu"><Say>Taste?</Say></Gather><Say>Noch da?</Say>'
        )
    }
    transcript, service = play(pages, keys=["q"])
    assert transcript.ended_by == EndedBy.CALLER
    assert not transcript.said("Noch da?")
    assert service.params_sent_to(STATUS)[0]["CallStatus"] == "completed"


@pytest.mark.parametrize(
    ("verbs", "ended_by", "status"),
    [
        ("<Say>Tschüss.</Say><Hangup/><Say>Nie gehört.</Say>", EndedBy.HANGUP_VERB, "completed"),
        ("<Say>Tschüss.</Say>", EndedBy.END_OF_DOCUMENT, "completed"),
        ('<Reject reason="busy"/>', EndedBy.HANGUP_VERB, "busy"),
    ],
)
def test_how_a_call_ends(verbs, ended_by, status):
    transcript, service = play({INCOMING: twiml(verbs)})
    assert transcript.ended_by == ended_by
    assert transcript.call_status == status
    assert not transcript.said("Nie gehört.")
    assert service.params_sent_to(STATUS)[0]["CallStatus"] == status


# --- <Dial> --------------------------------------------------------------------------------------


def dial_pages(dial: str, after: str = "") -> dict[str, str]:
    return {
        INCOMING: twiml(f'<Say language="de-DE">Wir verbinden.</Say>{dial}{after}'),
        "/twilio/voice/dial-result": lambda params: twiml(
            f"<Say>Ergebnis {params['DialCallStatus']}.</Say>"
        ),
    }


@pytest.mark.parametrize("outcome", ["completed", "no-answer", "busy", "failed"])
def test_dial_with_action_reports_the_outcome(outcome):
    pages = dial_pages(
        '<Dial action="dial-result" timeout="20" callerId="+498003009944">'
        "<Number>+4930111</Number><Number>+4930222</Number></Dial><Say>Unerreichbar.</Say>"
    )
    transcript, service = play(pages, dial_outcomes=[outcome])
    [sent] = service.params_sent_to("/twilio/voice/dial-result")
    assert sent["DialCallStatus"] == outcome
    assert sent["DialCallSid"].startswith("CA") and sent["DialCallSid"] != transcript.call_sid
    assert sent["DialCallDuration"] == ("60" if outcome == "completed" else "0")
    assert transcript.said(f"Ergebnis {outcome}.")
    assert not transcript.said("Unerreichbar.")
    assert transcript.dials[0].numbers == ("+4930111", "+4930222")
    assert transcript.dials[0].timeout == 20


def test_caller_hanging_up_while_the_dial_rings_reports_and_ends():
    pages = dial_pages('<Dial action="/twilio/voice/dial-result"><Number>+4930111</Number></Dial>')
    transcript, service = play(pages, dial_outcomes=["canceled"])
    [sent] = service.params_sent_to("/twilio/voice/dial-result")
    assert sent["DialCallStatus"] == "canceled"
    assert not transcript.said("Ergebnis")
    assert transcript.ended_by == EndedBy.CALLER


@pytest.mark.parametrize("outcome", ["completed", "no-answer", "busy"])
def test_dial_without_action_continues_with_the_next_verb(outcome):
    pages = dial_pages("<Dial>+4930111</Dial>", after="<Say>Danke für Ihren Anruf.</Say>")
    transcript, _ = play(pages, dial_outcomes=[outcome])
    assert transcript.said("Danke für Ihren Anruf.")
    assert transcript.dials[0].numbers == ("+4930111",)
    assert transcript.ended_by == EndedBy.END_OF_DOCUMENT


def test_dialled_numbers_report_their_legs_to_the_status_callback():
    pages = dial_pages(
        '<Dial action="/twilio/voice/dial-result" callerId="+498003009944">'
        '<Number statusCallback="/twilio/voice/status" '
        'statusCallbackEvent="initiated ringing answered completed">+4930111</Number>'
        '<Number statusCallback="legs" statusCallbackMethod="GET">+4930222</Number>'
        "</Dial>"
    )
    transcript, service = play(pages, dial_outcomes=["completed"], status_callback_url=None)
    first_leg = service.params_sent_to("/twilio/voice/status")
    assert [p["CallStatus"] for p in first_leg] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [p["SequenceNumber"] for p in first_leg] == ["0", "1", "2", "3"]
    assert {p["CallSid"] for p in first_leg} == {
        service.params_sent_to("/twilio/voice/dial-result")[0]["DialCallSid"]
    }
    for params in first_leg:
        assert params["ParentCallSid"] == transcript.call_sid
        assert params["Direction"] == "outbound-dial"
        assert params["To"] == "+4930111"
        assert params["From"] == "+498003009944"
    [second_leg] = service.params_sent_to("/twilio/voice/legs")
    assert second_leg["CallStatus"] == "canceled"  # the first answered; Twilio stops the rest
    assert second_leg["CallSid"] not in {transcript.call_sid, first_leg[0]["CallSid"]}
    assert ("GET", "/twilio/voice/legs") in [(m, u) for m, u, _ in service.received]


# --- application errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (TwimlReply(500, "Internal Server Error", "text/html"), "11200"),
        (TwimlReply(200, twiml("<Say>Hallo</Say>"), "application/json"), "12300"),
        (TwimlReply(200, "<Response><Say>kaputt</Response>", "text/xml"), "12100"),
        (TwimlReply(200, "<Antwort/>", "text/xml"), "12100"),
        (TwimlReply(200, twiml("<Say>Hallo</Say><Sprich/>"), "text/xml"), "12100"),
    ],
)
def test_application_error_on_the_first_document_goes_to_the_fallback(reply, code):
    pages = {
        INCOMING: reply,
        "/twilio/voice/fallback": twiml('<Say language="de-DE">Technische Störung.</Say>'),
    }
    transcript, service = play(pages, fallback_url="/twilio/voice/fallback")
    [sent] = service.params_sent_to("/twilio/voice/fallback")
    assert sent["ErrorCode"] == code
    assert sent["ErrorUrl"] == INCOMING
    assert [event.attributes["code"] for event in transcript.application_errors] == [code]
    assert transcript.said("Technische Störung.")
    assert not transcript.said("Hallo"), "Twilio checks the whole document before playing it"


def test_application_error_without_fallback_ends_the_call():
    transcript, service = play({INCOMING: TwimlReply(503, "", "text/plain")})
    assert transcript.ended_by == EndedBy.APPLICATION_ERROR
    assert "application error has occurred" in transcript.application_errors[0].text
    assert [url for _, url, _ in service.received] == [INCOMING, STATUS]


def test_application_error_on_a_later_document_ends_the_call():
    pages = {
        INCOMING: twiml('<Gather action="/twilio/voice/menu" numDigits="1"/>'),
        "/twilio/voice/menu": TwimlReply(500, "boom", "text/html"),
        "/twilio/voice/fallback": twiml("<Say>Fallback.</Say>"),
    }
    transcript, service = play(pages, keys=["1"], fallback_url="/twilio/voice/fallback")
    assert transcript.ended_by == EndedBy.APPLICATION_ERROR
    assert service.params_sent_to("/twilio/voice/fallback") == []
    assert not transcript.said("Fallback.")


# --- unsupported verbs ------------------------------------------------------------


def test_record_is_reported_as_unsupported_and_the_call_goes_on():
    transcript, _ = play({INCOMING: twiml("<Record/><Say>Weiter.</Say>")})
    assert [e.text for e in transcript.of_kind(EventKind.UNSUPPORTED)] == ["<Record>"]
    assert transcript.said("Weiter.")


# --- callers --------------------------------------------------------------------------------------


def test_scripted_caller_running_out_of_keys_fails_with_the_call_so_far():
    pages = {
        INCOMING: twiml('<Gather action="/twilio/voice/menu" numDigits="1"/>'),
        "/twilio/voice/menu": twiml('<Gather numDigits="8"><Say>Aktenzeichen?</Say></Gather>'),
    }
    with pytest.raises(ScriptExhausted, match="Aktenzeichen") as raised:
        play(pages, keys=["1"])
    assert raised.value.transcript.said("Aktenzeichen?")


def test_scripted_caller_may_stay_silent_when_exhausted():
    service = FakeService({INCOMING: twiml("<Gather/><Say>Niemand da?</Say>")})
    caller = ScriptedCaller(silence_when_exhausted=True)
    transcript = CallPlayer(service, caller, from_number=CALLER).run()
    assert transcript.said("Niemand da?")
    assert len(caller.gathers) == 1


def test_scripted_caller_rejects_impossible_keys_and_outcomes():
    with pytest.raises(ValueError, match="key token"):
        ScriptedCaller(["12a"])
    with pytest.raises(ValueError, match="dial outcome"):
        ScriptedCaller(dial_outcomes=["answered"])


def test_interactive_caller_reads_keys_and_dial_answers():
    answers = iter(["1 2#", "x", "", "j", "q"])
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    caller = InteractiveCaller(fake_input, output=lambda line: None)
    gather = object()
    assert caller.keys_for(gather) == "12#"
    assert caller.keys_for(gather) is None  # "x" is refused, then Enter = silence
    assert caller.dial_outcome(object()) == "completed"
    assert not caller.hangs_up()
    assert caller.keys_for(gather) is None
    assert caller.hangs_up()
    assert asked[0] == "Tasten (Enter = nichts drücken, q = auflegen): "
    assert "Berater:in nimmt ab? [j/N] " in asked


# --- final status callback -------------------------------------------------------------------


def test_final_status_callback_reports_duration_and_time():
    at = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    pages = {
        INCOMING: twiml(
            f'<Say language="de-DE">{"x" * 50}</Say><Pause length="3"/>'
            '<Gather timeout="5"/><Pause/>'
        )
    }
    transcript, service = play(pages, keys=["-"], clock=lambda: at, call_sid="CA" + "1" * 32)
    [final] = service.params_sent_to(STATUS)
    assert final["CallStatus"] == "completed"
    assert final["CallSid"] == "CA" + "1" * 32
    assert final["CallDuration"] == "13"  # 50 × 0.08 s spoken + 3 + 5 (timeout) + 1
    assert parsedate_to_datetime(final["Timestamp"]) == at
    assert final["Timestamp"] == "Fri, 14 Mar 2025 09:30:00 +0000"
    assert final["SequenceNumber"] == "0"
    assert transcript.duration_seconds == 13


def test_simulated_time_moves_the_services_clock():
    moved: list[timedelta] = []
    pages = {INCOMING: twiml(f'<Say>{"x" * 50}</Say><Pause length="3"/><Gather timeout="5"/>')}
    transcript, _ = play(pages, keys=["-"], advance_clock=moved.append)
    assert timedelta(seconds=3) in moved and timedelta(seconds=5) in moved
    assert sum(moved, timedelta()) == timedelta(seconds=12)  # 50 × 0.08 s + 3 + 5
    assert transcript.duration_seconds == 12


def test_no_status_callback_when_none_is_configured():
    _, service = play({INCOMING: twiml("<Hangup/>")}, status_callback_url=None)
    assert [url for _, url, _ in service.received] == [INCOMING]


# --- console --------------------------------------------------------------------------------------


def test_console_lines_are_german_and_never_show_dialled_numbers():
    lines: list[str] = []

    def show(event: CallEvent) -> None:
        lines.append(format_event(event))

    pages = {
        INCOMING: twiml(
            '<Say language="de-DE">Willkommen.</Say><Pause/>'
            '<Gather numDigits="8" action="x"/>'
            "<Dial><Number>+4930111</Number><Number>+4930222</Number></Dial><Hangup/>"
        )
    }
    play(pages, keys=["-"], on_event=show)
    assert "🔊 [de-DE] Willkommen." in lines
    assert "⏸  Pause 1 s" in lines
    assert "⌨️  Warte auf Tasten (max. 8, Ende mit #, 5 s) …" in lines
    assert "📞 Verbinde mit 2 Berater:innen …" in lines
    assert lines[-2] == "☎️  Aufgelegt"
    assert not any("4930" in line for line in lines)


# --- transports: signatures as Twilio computes them --------------------------------------------


def signature_checking_app() -> Flask:
    """Checks X-Twilio-Signature for PUBLIC + path (+ query) like the service must, echoes TwiML."""
    app = Flask(__name__)
    validator = RequestValidator(TOKEN)

    @app.route("/twilio/<path:step>", methods=["GET", "POST"])
    def step(step: str):
        query = request.query_string.decode()
        url = PUBLIC + request.path + (f"?{query}" if query else "")
        params = request.form if request.method == "POST" else {}
        if not validator.validate(url, params, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        if step == "voice/incoming":
            body = twiml('<Gather action="menu?attempt=1" method="GET" numDigits="1"/>')
        else:
            body = twiml(f"<Say>{request.method} {request.values.get('Digits', '')}</Say>")
        return body, 200, {"Content-Type": "text/xml"}

    return app


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(
    "url", ["/twilio/voice/menu", "/twilio/voice/menu?attempt=2", f"{PUBLIC}/twilio/voice/menu"]
)
def test_flask_client_transport_signs_like_twilio(method, url):
    client = signature_checking_app().test_client()
    transport = FlaskClientTransport(client, TOKEN, PUBLIC + "/")
    params = {"CallSid": "CA" + "2" * 32, "From": "", "Digits": "4#", "Note": "ä ö+&="}
    reply = transport.request(method, url, params)
    assert reply.status == 200, reply.body
    assert f"{method} 4#" in reply.body
    assert reply.content_type.startswith("text/xml")
    forged = FlaskClientTransport(client, "wrong-token", PUBLIC)
    assert forged.request(method, url, params).status == 403


def test_flask_client_transport_refuses_urls_of_other_hosts():
    transport = FlaskClientTransport(signature_checking_app().test_client(), TOKEN, PUBLIC)
    with pytest.raises(TransportError):
        transport.request("POST", "https://evil.example/twilio/voice/menu", {})


def test_a_whole_call_passes_the_signature_check_in_process():
    transport = FlaskClientTransport(signature_checking_app().test_client(), TOKEN, PUBLIC)
    caller = ScriptedCaller(["7"])
    transcript = CallPlayer(transport, caller, from_number=CALLER).run()
    assert [status for *_, status in transcript.requests] == [200, 200, 200]
    assert transcript.said("GET 7")


def test_http_transport_signs_for_the_public_url():
    server = make_server("127.0.0.1", 0, signature_checking_app())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        transport = HttpTransport(f"http://127.0.0.1:{server.server_port}", TOKEN, PUBLIC)
        for method in ("POST", "GET"):
            reply = transport.request(method, "/twilio/voice/menu?attempt=3", {"Digits": "ü1"})
            assert reply.status == 200, reply.body
            assert f"{method} ü1" in reply.body
    finally:
        server.shutdown()
        thread.join()
