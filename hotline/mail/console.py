"""A mail as the console mailer prints it in development: the whole of it, as its recipient
would read it — the headers, the text, the invitation's summary, the attachments' names —
between a first and a last line of its own, so that one mail is told from the next at a
glance (and from the log lines around it)."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage, Message

import icalendar

# The words of the printed mail (German, as the console and the CLI speak to operators).
BEGIN = "════════ E-Mail (nicht gesendet) ════════════════════════════════════════"
END = "════════ Ende der E-Mail ════════════════════════════════════════════════"
HEADERS = {  # the headers shown, in this order, and how they are named
    "From": "Von",
    "To": "An",
    "Cc": "Kopie",
    "Bcc": "Blindkopie",
    "Reply-To": "Antwort an",
    "Subject": "Betreff",
    "Date": "Datum",
    "Message-ID": "Message-ID",
}
NO_TEXT = "(ohne Textteil)"
CALENDAR = "Kalender ({method}): {event}"
CALENDAR_UNREADABLE = "Kalender ({method}): nicht lesbar"
CALENDAR_CANCELED = "abgesagt"
ATTACHMENT = "Anhang: {name} ({content_type})"
UNNAMED = "ohne Namen"


def printed_mail(message: EmailMessage) -> str:
    """The mail as lines of text, from BEGIN to END (no newline after the last)."""
    lines = [BEGIN]
    for header, name in HEADERS.items():
        lines += [f"{name}: {value}" for value in message.get_all(header, [])]
    text = message.get_body(preferencelist=("plain",))
    lines += ["", text.get_content().rstrip() if text is not None else NO_TEXT, ""]
    invitation = next(
        (part for part in message.walk() if part.get_content_type() == "text/calendar"), None
    )
    if invitation is not None:
        lines.append(calendar_summary(invitation))
    lines += [
        ATTACHMENT.format(name=part.get_filename() or UNNAMED, content_type=part.get_content_type())
        for part in message.iter_attachments()
    ]
    lines.append(END)
    return "\n".join(lines)


def calendar_summary(part: Message) -> str:
    """One line: the METHOD, and the first event's summary, time, place (and "abgesagt")."""
    method = part.get_param("method") or "?"
    try:
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True) or b"")
        event = calendar.walk("VEVENT")[0]
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
    except (ValueError, IndexError, KeyError):
        return CALENDAR_UNREADABLE.format(method=method)
    facts = [str(event.get("SUMMARY", "")), _when(start, end)]
    if event.get("LOCATION"):
        facts.append(str(event["LOCATION"]))
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        facts.append(CALENDAR_CANCELED)
    return CALENDAR.format(method=method, event=" · ".join(fact for fact in facts if fact))


def _when(start: date, end: date | None) -> str:
    """26.11.2026 12:00–12:45, in the event's own time zone (the hotline's)."""
    if not isinstance(start, datetime):
        return f"{start:%d.%m.%Y}"
    same_day = isinstance(end, datetime) and end.date() == start.date()
    until = f"–{end:%H:%M}" if same_day else (f" – {end:%d.%m.%Y %H:%M}" if end else "")
    return f"{start:%d.%m.%Y %H:%M}{until}"
