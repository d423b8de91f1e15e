"""One German line per event for `hotline simulate`; lines never show a whole phone number."""

from __future__ import annotations

from collections.abc import Callable

from hotline.simulator.transcript import CallEvent, EventKind
from hotline.telephony.phone_numbers import mask

DIAL_RESULTS = {
    "completed": "Gespräch geführt und beendet",
    "no-answer": "niemand hat abgenommen",
    "busy": "besetzt",
    "failed": "Verbindung fehlgeschlagen",
    "canceled": "abgebrochen",
}
ENDINGS = {
    "hangup verb": "☎️  Aufgelegt",
    "end of document": "☎️  Aufgelegt (keine weiteren Anweisungen)",
    "caller": "☎️  Anrufer:in hat aufgelegt",
    "application error": "☎️  Aufgelegt nach Anwendungsfehler",
    "loop guard": "☎️  Aufgelegt (Schleifenschutz)",
}
# A callback: the counsellor's <Dial> rings the caller.
CALLEE_RESULTS = {
    "completed": "Anrufer:in hat abgenommen – Gespräch geführt und beendet",
    "no-answer": "Anrufer:in nimmt nicht ab",
    "busy": "bei der Anrufer:in ist besetzt",
    "failed": "Verbindung zur Anrufer:in fehlgeschlagen",
    "canceled": "abgebrochen",
}
MAILBOX_ANSWERED = "📞 Mailbox der Anrufer:in hat abgenommen – beendet"
# The counsellors' side (EventKind.COUNSELLOR) by its "what"; numbers arrive masked.
COUNSELLOR_LINES = {
    "rung": "📞 Berater:in {counsellor} wird angerufen ({text})",
    "hears": "   🤫 hört: {text}",
    "no-answer": "   nimmt nicht ab",
    "busy": "   besetzt",
    "ended": "   Anruf beendet ({text})",
    "no caller": "   niemand wartet mehr in der Warteschlange",
    "takes another": "   nimmt das Gespräch einer Anrufer:in vor Ihnen an",
    "error": "   ❌ {text}",
    "talked": "📞 Berater:in {counsellor} legt nach dem Gespräch auf ({text} s)",
    "sms": "✉️  SMS an {to}: {text}",
    "queue deleted": "🗑  Warteschlange gelöscht",
}
PRESSED_RESULTS = {
    "connecting": " – wird verbunden",
    "not connected": " – nicht (mehr) verbunden",
    "passes": " – legt auf ohne anzunehmen",
}


def format_event(event: CallEvent) -> str:
    formatter = _FORMATTERS.get(event.kind)
    return formatter(event) if formatter else f"· {event.kind}: {event.text}"


def format_callback_event(event: CallEvent, *, mailbox: bool = False) -> str:
    """A line of a counsellor's leg of a callback, where the `<Dial>` rings the caller: their
    number masked, the caller ID (the hotline's number) in full. `mailbox`: an answered dial
    was the caller's mailbox."""
    dial = event.dial
    if event.kind == EventKind.DIAL and dial is not None:
        numbers = ", ".join(mask(number) for number in dial.numbers) or "?"
        sender = f", Absender {dial.caller_id}" if dial.caller_id else ""
        return f"📞 Wähle die Nummer der Anrufer:in ({numbers}{sender}) …"
    if event.kind == EventKind.DIAL_RESULT:
        if mailbox and event.text == "completed":
            return MAILBOX_ANSWERED
        return f"📞 {CALLEE_RESULTS.get(event.text, event.text)}"
    return format_event(event)


def _say(event: CallEvent) -> str:
    return f"🔊 [{event.attributes.get('language', '')}] {event.text}"


def _gather(event: CallEvent) -> str:
    details = []
    gather = event.gather
    if gather is not None:
        if gather.num_digits:
            details.append(f"max. {gather.num_digits}")
        if gather.finish_on_key:
            details.append(f"Ende mit {gather.finish_on_key}")
        details.append(f"{gather.timeout} s")
    return f"⌨️  Warte auf Tasten ({', '.join(details)}) …"


def _keys(event: CallEvent) -> str:
    if not event.text:
        return "   (keine Eingabe)"
    return f"   gedrückt: {event.text}{event.attributes.get('finished_on_key', '')}"


def _dial(event: CallEvent) -> str:
    count = len(event.dial.targets) if event.dial else 0
    return f"📞 Verbinde mit {count} {'Berater:in' if count == 1 else 'Berater:innen'} …"


def _request(event: CallEvent) -> str:
    status = event.attributes.get("status", "")
    detail = f" – {event.text}" if event.text else ""
    return f"   ↪ {event.attributes.get('method', '')} {event.url} → {status}{detail}"


def _application_error(event: CallEvent) -> str:
    code = event.attributes.get("code", "")
    return f"❌ Anwendungsfehler {code}: {event.text}"


def _counsellor(event: CallEvent) -> str:
    attributes = event.attributes
    what = attributes.get("what", "")
    if what == "pressed":
        return f"   drückt {event.text}{PRESSED_RESULTS.get(attributes.get('result', ''), '')}"
    if what == "no key":
        mailbox = attributes.get("mailbox") == "true"
        return "   Mailbox nimmt ab, keine Taste" if mailbox else "   keine Taste"
    line = COUNSELLOR_LINES.get(what)
    if line is None:
        return f"   {what}: {event.text}"
    return line.format(
        counsellor=attributes.get("counsellor", ""), to=attributes.get("to", ""), text=event.text
    )


def _end(event: CallEvent) -> str:
    if event.attributes.get("status") in {"busy", "no-answer"}:
        return "☎️  Anruf abgewiesen"
    return ENDINGS.get(event.text, "☎️  Aufgelegt")


_FORMATTERS: dict[EventKind, Callable[[CallEvent], str]] = {
    EventKind.REQUEST: _request,
    EventKind.SAY: _say,
    EventKind.PLAY: lambda event: f"🎵 Audio {event.url}",
    EventKind.PAUSE: lambda event: f"⏸  Pause {event.attributes.get('length', '1')} s",
    EventKind.GATHER: _gather,
    EventKind.KEYS: _keys,
    EventKind.REDIRECT: lambda event: f"↪  Weiter zu {event.url}",
    EventKind.DIAL: _dial,
    EventKind.DIAL_RESULT: lambda event: f"📞 {DIAL_RESULTS.get(event.text, event.text)}",
    EventKind.WHISPER: lambda event: "   🤫 Ansage für die Berater:in",
    EventKind.LEG_STATUS: lambda event: f"   ℹ️  Status der Verbindung: {event.text}",
    EventKind.ENQUEUE: lambda event: f"⏳ Warteschlange „{event.text}“",
    EventKind.BRIDGED: lambda event: "📞 verbunden mit einer Berater:in",
    EventKind.COUNSELLOR: _counsellor,
    EventKind.UNSUPPORTED: lambda event: f"⚠️  Nicht simuliert: {event.text}",
    EventKind.WARNING: lambda event: f"⚠️  {event.text}",
    EventKind.APPLICATION_ERROR: _application_error,
    EventKind.LOOP_GUARD: lambda event: f"🔁 Abbruch: {event.text} (Schleife?)",
    EventKind.END: _end,
}
