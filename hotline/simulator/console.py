"""One line per event for `hotline simulate` (`hotline/texts/simulator.toml`); lines never
show a whole phone number."""

from __future__ import annotations

from collections.abc import Callable

from hotline.simulator.transcript import CallEvent, EventKind
from hotline.telephony.phone_numbers import mask
from hotline.texts import text, words

DIAL_RESULTS = words("simulator.dial_results")
ENDINGS = words("simulator.endings")
# A callback: the counsellor's <Dial> rings the caller.
CALLEE_RESULTS = words("simulator.callee_results")
# The counsellors' side (EventKind.COUNSELLOR) by its "what"; numbers arrive masked.
COUNSELLOR_LINES = words("simulator.counsellor_lines")
PRESSED_RESULTS = words("simulator.pressed_results")


def _line(key: str, /, **values: object) -> str:
    return text(f"simulator.{key}", **values)


def format_event(event: CallEvent) -> str:
    formatter = _FORMATTERS.get(event.kind)
    return formatter(event) if formatter else _line("other", kind=event.kind, text=event.text)


def format_callback_event(event: CallEvent, *, mailbox: bool = False) -> str:
    """A line of a counsellor's leg of a callback, where the `<Dial>` rings the caller: their
    number masked, the caller ID (the hotline's number) in full. `mailbox`: an answered dial
    was the caller's mailbox."""
    dial = event.dial
    if event.kind == EventKind.DIAL and dial is not None:
        numbers = ", ".join(mask(number) for number in dial.numbers) or "?"
        sender = _line("sender", caller_id=dial.caller_id) if dial.caller_id else ""
        return _line("dial_numbers", numbers=numbers, sender=sender)
    if event.kind == EventKind.DIAL_RESULT:
        if mailbox and event.text == "completed":
            return _line("mailbox_answered")
        return _line("dial_result", result=CALLEE_RESULTS.get(event.text, event.text))
    return format_event(event)


def _say(event: CallEvent) -> str:
    return _line("say", language=event.attributes.get("language", ""), text=event.text)


def _gather(event: CallEvent) -> str:
    details = []
    gather = event.gather
    if gather is not None:
        if gather.num_digits:
            details.append(_line("gather_most", digits=gather.num_digits))
        if gather.finish_on_key:
            details.append(_line("gather_finish", key=gather.finish_on_key))
        details.append(_line("gather_timeout", seconds=gather.timeout))
    return _line("gather", details=", ".join(details))


def _keys(event: CallEvent) -> str:
    if not event.text:
        return _line("no_keys")
    finished_on_key = event.attributes.get("finished_on_key", "")
    return _line("keys", keys=event.text, finished_on_key=finished_on_key)


def _dial(event: CallEvent) -> str:
    count = len(event.dial.targets) if event.dial else 0
    return _line("dial_one" if count == 1 else "dial_many", count=count)


def _request(event: CallEvent) -> str:
    status = event.attributes.get("status", "")
    detail = _line("request_detail", text=event.text) if event.text else ""
    method = event.attributes.get("method", "")
    return _line("request", method=method, url=event.url, status=status, detail=detail)


def _application_error(event: CallEvent) -> str:
    code = event.attributes.get("code", "")
    return _line("application_error", code=code, text=event.text)


def _counsellor(event: CallEvent) -> str:
    attributes = event.attributes
    what = attributes.get("what", "")
    if what == "pressed":
        result = PRESSED_RESULTS.get(attributes.get("result", ""), "")
        return _line("pressed", keys=event.text, result=result)
    if what == "no key":
        mailbox = attributes.get("mailbox") == "true"
        return _line("no_key_mailbox" if mailbox else "no_key")
    line = COUNSELLOR_LINES.get(what)
    if line is None:
        return _line("counsellor_other", what=what, text=event.text)
    return line.format(
        counsellor=attributes.get("counsellor", ""), to=attributes.get("to", ""), text=event.text
    )


def _end(event: CallEvent) -> str:
    if event.attributes.get("status") in {"busy", "no-answer"}:
        return _line("rejected")
    return ENDINGS.get(event.text, _line("hung_up"))


_FORMATTERS: dict[EventKind, Callable[[CallEvent], str]] = {
    EventKind.REQUEST: _request,
    EventKind.SAY: _say,
    EventKind.PLAY: lambda event: _line("play", url=event.url),
    EventKind.PAUSE: lambda event: _line("pause", seconds=event.attributes.get("length", "1")),
    EventKind.GATHER: _gather,
    EventKind.KEYS: _keys,
    EventKind.REDIRECT: lambda event: _line("redirect", url=event.url),
    EventKind.DIAL: _dial,
    EventKind.DIAL_RESULT: lambda event: _line(
        "dial_result", result=DIAL_RESULTS.get(event.text, event.text)
    ),
    EventKind.WHISPER: lambda event: _line("whisper"),
    EventKind.LEG_STATUS: lambda event: _line("leg_status", text=event.text),
    EventKind.ENQUEUE: lambda event: _line("enqueue", text=event.text),
    EventKind.BRIDGED: lambda event: _line("bridged"),
    EventKind.COUNSELLOR: _counsellor,
    EventKind.UNSUPPORTED: lambda event: _line("unsupported", text=event.text),
    EventKind.WARNING: lambda event: _line("warning", text=event.text),
    EventKind.APPLICATION_ERROR: _application_error,
    EventKind.LOOP_GUARD: lambda event: _line("loop_guard", text=event.text),
    EventKind.END: _end,
}
