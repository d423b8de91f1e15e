"""A waiting caller hears rounds of wait TwiML until `<Leave>`, a counsellor or a hang-up."""

from __future__ import annotations

from functools import partial

import pytest

from hotline.simulator import CallEvent, EndedBy, EventKind, format_event
from tests.hotline.simulator.canned import INCOMING, STATUS, play, twiml

WAIT = "/twilio/voice/queue/wait"
CHOICE = "/twilio/voice/queue/choice"
RESULT = "/twilio/voice/queue/result"
QUEUE = "caller-CA" + "1" * 32
OFFER = (
    '<Gather input="dtmf" numDigits="1" timeout="3" action="{choice}?round={number}">'
    '<Say language="de-DE">Für einen Rückruf drücken Sie die 1.</Say></Gather>'
)


def enqueue(attributes: str = f'action="{RESULT}" method="POST"') -> str:
    return twiml(
        '<Say language="de-DE">Wir verbinden Sie.</Say>'
        f'<Enqueue waitUrl="{WAIT}?round=0" waitUrlMethod="POST" {attributes}>{QUEUE}</Enqueue>'
        '<Say language="de-DE">Nach der Warteschlange.</Say>'
    )


def wait_round(
    params: dict[str, str], *, number: int, offer_in: int = 1, leave_at: int = 90
) -> str:
    """Like the service: the max wait, the position, an offer in one round, 15 s, next round."""
    if int(params["QueueTime"]) >= leave_at:
        return twiml("<Leave/>")
    offer = OFFER.format(choice=CHOICE, number=number) if number == 1 else ""
    return twiml(
        '<Say language="de-DE">Sie sind an erster Stelle.</Say>'
        f'{offer}<Pause length="15"/><Redirect method="POST">{WAIT}?round={number + 1}</Redirect>'
    )


def choice(params: dict[str, str], *, number: int) -> str:
    if params["Digits"] == "1":
        return twiml("<Leave/>")
    return twiml(f'<Redirect method="POST">{WAIT}?round={number + 1}</Redirect>')


def result(params: dict[str, str]) -> str:
    return twiml(f'<Say language="de-DE">Ergebnis {params["QueueResult"]}.</Say><Hangup/>')


def queue_pages(wait=wait_round, first: str | None = None) -> dict:
    canned = {INCOMING: first or enqueue(), RESULT: result, STATUS: twiml("")}
    for number in range(40):
        canned[f"{WAIT}?round={number}"] = partial(wait, number=number)
        canned[f"{CHOICE}?round={number}"] = partial(choice, number=number)
    return canned


def waits(service) -> list[dict[str, str]]:
    return [params for _, url, params in service.received if url.startswith(WAIT)]


def test_the_caller_waits_round_after_round_until_the_service_says_leave():
    transcript, service = play(queue_pages(), silent=True)
    assert [url for url in service.urls() if url.startswith(WAIT)] == [
        f"{WAIT}?round={number}" for number in range(6)
    ]
    rounds = waits(service)
    # each round: 2.08 s position + 15 s pause; round 1 also the offer (2.88 s) and its 3 s
    assert [params["QueueTime"] for params in rounds] == ["0", "17", "40", "57", "74", "91"]
    assert len({params["QueueSid"] for params in rounds}) == 1
    assert rounds[0]["QueueSid"].startswith("QU") and len(rounds[0]["QueueSid"]) == 34
    for params in rounds:
        assert params["QueuePosition"] == params["CurrentQueueSize"] == "1"
        assert params["MaxQueueSize"] == "100"
        assert params["CallStatus"] == "in-progress"
    [left] = service.params_sent_to(RESULT)
    assert left["QueueResult"] == "leave"
    assert left["QueueSid"] == rounds[0]["QueueSid"]
    assert left["QueueTime"] == "91"
    assert transcript.said("Ergebnis leave.")
    assert not transcript.said("Nach der Warteschlange."), "the action's TwiML continues the call"
    assert transcript.ended_by == EndedBy.HANGUP_VERB
    assert transcript.duration_seconds >= 91


def test_pressing_1_at_the_callback_offer_leaves_the_queue():
    transcript, service = play(queue_pages(), keys=["1"])
    [chosen] = service.params_sent_to(f"{CHOICE}?round=1")
    assert chosen["Digits"] == "1"
    assert chosen["QueueSid"] == waits(service)[0]["QueueSid"]
    assert len(waits(service)) == 2, "no round after the choice"
    [left] = service.params_sent_to(RESULT)
    assert left["QueueResult"] == "leave"
    assert transcript.said("Für einen Rückruf drücken Sie die 1.")
    assert transcript.said("Ergebnis leave.")


def test_another_key_at_the_offer_goes_back_to_waiting():
    _, service = play(queue_pages(), keys=["5"], silent=True)
    assert service.params_sent_to(f"{CHOICE}?round=1")[0]["Digits"] == "5"
    assert f"{WAIT}?round=2" in service.urls()
    assert service.params_sent_to(RESULT)[0]["QueueResult"] == "leave"


def test_silence_at_the_offer_falls_through_to_the_pause_and_the_next_round():
    transcript, service = play(queue_pages(partial(wait_round, leave_at=30)), keys=["-"])
    assert service.params_sent_to(f"{CHOICE}?round=1") == []
    assert [params["QueueTime"] for params in waits(service)] == ["0", "17", "40"]
    pauses = transcript.of_kind(EventKind.PAUSE)
    assert [event.attributes["length"] for event in pauses] == ["15", "15"]


def test_the_caller_hanging_up_while_waiting_is_reported_as_hangup():
    transcript, service = play(queue_pages(), keys=["q"], silent=True)
    [gone] = service.params_sent_to(RESULT)
    assert gone["QueueResult"] == "hangup"
    assert gone["QueueTime"] == "22"  # 17 s, the position again, the offer
    assert not transcript.said("Ergebnis"), "nobody hears the action's answer"
    assert transcript.ended_by == EndedBy.CALLER
    assert service.urls()[-1] == STATUS
    assert service.params_sent_to(STATUS)[0]["CallStatus"] == "completed"


def test_a_hangup_in_the_wait_twiml_ends_the_call():
    transcript, service = play(queue_pages(lambda params, number: twiml("<Hangup/>")))
    assert service.params_sent_to(RESULT)[0]["QueueResult"] == "hangup"
    assert transcript.ended_by == EndedBy.HANGUP_VERB


def test_a_wait_document_that_runs_out_is_requested_again():
    def once(params: dict[str, str], number: int) -> str:
        if int(params["QueueTime"]) >= 20:
            return twiml("<Leave/>")
        return twiml('<Pause length="10"/>')

    _, service = play(queue_pages(once))
    assert [url for url in service.urls() if url.startswith(WAIT)] == [f"{WAIT}?round=0"] * 3


def test_without_an_action_the_call_continues_after_the_enqueue():
    first = enqueue(attributes="")
    transcript, service = play(queue_pages(partial(wait_round, leave_at=0), first=first))
    assert service.params_sent_to(RESULT) == []
    assert transcript.said("Nach der Warteschlange.")
    assert transcript.ended_by == EndedBy.END_OF_DOCUMENT


def test_the_wait_url_method_is_followed():
    first = twiml(f'<Enqueue waitUrl="{WAIT}?round=0" waitUrlMethod="GET">{QUEUE}</Enqueue>')
    _, service = play(queue_pages(partial(wait_round, leave_at=0), first=first))
    assert ("GET", f"{WAIT}?round=0") in [(method, url) for method, url, _ in service.received]


def test_endless_waiting_is_stopped_by_the_loop_guard():
    transcript, service = play(
        queue_pages(partial(wait_round, leave_at=10_000)), max_requests=8, silent=True
    )
    assert len(waits(service)) == 7  # the first document, then seven rounds
    assert transcript.ended_by == EndedBy.LOOP_GUARD
    assert service.params_sent_to(STATUS), "the final status callback is still sent"


@pytest.mark.parametrize("reply", ["<Antwort/>", None])
def test_a_broken_wait_url_ends_the_wait_as_a_hang_up(reply):
    canned = queue_pages()
    if reply is None:
        del canned[f"{WAIT}?round=0"]  # 404
    else:
        canned[f"{WAIT}?round=0"] = reply
    transcript, service = play(canned)
    assert service.params_sent_to(RESULT)[0]["QueueResult"] == "hangup"
    assert transcript.ended_by == EndedBy.CALLER
    assert transcript.of_kind(EventKind.WARNING)


def test_console_shows_the_queue_in_german():
    lines: list[str] = []

    def show(event: CallEvent) -> None:
        lines.append(format_event(event))

    play(queue_pages(partial(wait_round, leave_at=15)), on_event=show, silent=True)
    assert f"⏳ Warteschlange „{QUEUE}“" in lines
    assert "🔊 [de-DE] Sie sind an erster Stelle." in lines
    assert "⏸  Pause 15 s" in lines
    assert f"↪  Weiter zu {WAIT}?round=1" in lines
