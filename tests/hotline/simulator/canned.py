"""Canned TwiML for the simulator's tests: a stub service behind the Transport protocol."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hotline.simulator import CallPlayer, ScriptedCaller, Transcript, TwimlReply

INCOMING = "/twilio/voice/incoming"
STATUS = "/twilio/voice/status"
CALLER = "+4915112345678"

Page = str | TwimlReply | Callable[[dict[str, str]], str | TwimlReply]


def twiml(verbs: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{verbs}</Response>'


class FakeService:
    """Serves canned TwiML per URL (as requested, path or absolute; else by the URL without
    its query) and records every request."""

    def __init__(self, pages: Mapping[str, Page]) -> None:
        self.pages = dict(pages)
        self.received: list[tuple[str, str, dict[str, str]]] = []

    def request(self, method: str, url: str, params: Mapping[str, str]) -> TwimlReply:
        self.received.append((method, url, dict(params)))
        assert len(self.received) < 1000, "runaway call: the loop guard did not stop it"
        page = self.pages.get(url, self.pages.get(url.split("?", 1)[0]))
        if page is None:
            return TwimlReply(404, "not found", "text/plain")
        if callable(page):
            page = page(dict(params))
        if isinstance(page, str):
            return TwimlReply(200, page, "text/xml; charset=utf-8")
        return page

    def params_sent_to(self, url: str) -> list[dict[str, str]]:
        return [params for _, requested, params in self.received if requested == url]

    def urls(self) -> list[str]:
        return [url for _, url, _ in self.received]


def play(
    pages: Mapping[str, Page],
    keys=(),
    dial_outcomes=(),
    voice_url=INCOMING,
    *,
    silent: bool = False,
    **options,
) -> tuple[Transcript, FakeService]:
    """Plays a call against canned pages with a scripted caller; returns transcript and service.

    `silent`: the caller presses nothing once the keys are used up."""
    service = FakeService(pages)
    caller = ScriptedCaller(keys, dial_outcomes, silence_when_exhausted=silent)
    options.setdefault("from_number", CALLER)
    transcript = CallPlayer(service, caller, **options).run(voice_url)
    return transcript, service
