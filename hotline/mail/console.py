"""A mail as the console mailer prints it in development: the whole of it, as its recipient
would read it — the headers, the text, the invitation's summary, the attachments' names —
between a first and a last line of its own, so that one mail is told from the next at a
glance (and from the log lines around it)."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage, Message

import icalendar

from hotline.texts import words

# The words of the printed mail (`hotline/texts/mail.toml`, as the console and the CLI speak
# to operators); the headers shown, in this order, and how they are named.
WORDS = words("mail.printed")
HEADERS = words("mail.printed.headers")


def printed_mail(message: EmailMessage) -> str:
    """The mail as lines of text, from its first line to its last (no newline after it)."""
    lines = [WORDS["begin"]]
    for header, name in HEADERS.items():
        lines += [f"{name}: {value}" for value in message.get_all(header, [])]
    text = message.get_body(preferencelist=("plain",))
    lines += ["", text.get_content().rstrip() if text is not None else WORDS["no_text"], ""]
    invitation = next(
        (part for part in message.walk() if part.get_content_type() == "text/calendar"), None
    )
    if invitation is not None:
        lines.append(calendar_summary(invitation))
    lines += [
        WORDS["attachment"].format(
            name=part.get_filename() or WORDS["unnamed"], content_type=part.get_content_type()
        )
        for part in message.iter_attachments()
    ]
    lines.append(WORDS["end"])
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
        return WORDS["calendar_unreadable"].format(method=method)
    facts = [str(event.get("SUMMARY", "")), _when(start, end)]
    if event.get("LOCATION"):
        facts.append(str(event["LOCATION"]))
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        facts.append(WORDS["calendar_canceled"])
    event_line = " · ".join(fact for fact in facts if fact)
    return WORDS["calendar"].format(method=method, event=event_line)


def _when(start: date, end: date | None) -> str:
    """26.11.2026 12:00–12:45, in the event's own time zone (the hotline's)."""
    if not isinstance(start, datetime):
        return f"{start:%d.%m.%Y}"
    same_day = isinstance(end, datetime) and end.date() == start.date()
    until = f"–{end:%H:%M}" if same_day else (f" – {end:%d.%m.%Y %H:%M}" if end else "")
    return f"{start:%d.%m.%Y %H:%M}{until}"
