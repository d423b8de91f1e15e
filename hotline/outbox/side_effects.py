"""The side effects every later feature needs: ring a phone, end a call, send an SMS or a mail.

Each has a function that describes the work (what to queue) and a handler that does it. Calls
and SMS name their work item in the status-callback URL: when Twilio reports on them, the
attempt is known to have gone out even if the scheduler died before noting it. Mails carry a
Message-ID made from the work item, the same on every attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate

from hotline.mail.mailer import work_message_id
from hotline.outbox.kinds import Done, WorkKind, WorkTools
from hotline.outbox.queue import ClaimedWork, Work
from hotline.telephony.gateway import GatewayError, OutboundCall
from hotline.telephony.legs import LegOwner
from hotline.telephony.urls import (
    MESSAGE_STATUS_PATH,
    MESSAGES_PREFIX,
    STATUS_PATH,
    voice_url,
)

NOT_IN_PROGRESS = frozenset({400, 404})  # Twilio's answer to ending a call that is over
TWILIO_RECORDS = ("call", "message")  # what `delete_twilio_record` deletes at Twilio


def place_call(
    key: str,
    *,
    to: str,
    answer_path: str,
    due_at: datetime,
    ring_seconds: int = 30,
    call_sid: str | None = None,
    case_id: int | None = None,
    leg: LegOwner | None = None,
) -> Work:
    """Ring `to`; when answered, Twilio fetches the voice step at `answer_path`. `leg`: who
    the leg is for, named in its status callback URL."""
    payload: dict[str, object] = {
        "to": to,
        "answer_path": answer_path,
        "ring_seconds": ring_seconds,
    }
    if leg is not None:
        payload["leg"] = str(leg)
    return Work("place_call", key, due_at, payload, call_sid=call_sid, case_id=case_id)


def end_call(key: str, *, call_sid: str, due_at: datetime, while_ringing: bool = False) -> Work:
    """Hang up a call the service placed: `canceled` while it rings, else `completed`."""
    status = "canceled" if while_ringing else "completed"
    return Work(
        "end_call", key, due_at, {"call_sid": call_sid, "status": status}, call_sid=call_sid
    )


def delete_queue(key: str, *, queue_sid: str, due_at: datetime) -> Work:
    return Work("delete_queue", key, due_at, {"queue_sid": queue_sid})


def delete_twilio_record(
    key: str, *, record: str, sid: str, due_at: datetime, case_id: int | None = None
) -> Work:
    """Twilio's own record of a call or an SMS (`record`: "call" or "message") deleted from
    its logs. The SID is only in the encrypted payload, which goes when the work is done: so
    nothing of the record is kept here afterwards; the key names the row it came from."""
    if record not in TWILIO_RECORDS:
        raise ValueError(f"no Twilio record of the kind {record!r}")
    return Work(
        "delete_twilio_record", key, due_at, {"record": record, "sid": sid}, case_id=case_id
    )


def send_sms(key: str, *, to: str, body: str, due_at: datetime, case_id: int | None = None) -> Work:
    return Work("send_sms", key, due_at, {"to": to, "body": body}, case_id=case_id)


def send_mail(
    key: str,
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    due_at: datetime,
    html: str | None = None,
    calendar: tuple[str, str] | None = None,
    attachments: Sequence[tuple[str, str, str]] = (),
    case_id: int | None = None,
) -> Work:
    """A mail: plain text, optionally an HTML alternative and an invitation (`calendar` as
    (METHOD, iCalendar text)); further attachments as (file name, content type, text)."""
    payload = {
        "to": list(to),
        "subject": subject,
        "text": text,
        "html": html,
        "calendar": list(calendar) if calendar else None,
        "attachments": [list(attachment) for attachment in attachments],
    }
    return Work("send_mail", key, due_at, payload, case_id=case_id)


def do_place_call(item: ClaimedWork, tools: WorkTools) -> Done:
    payload = item.payload
    sid = tools.gateway.place_call(
        OutboundCall(
            to=payload["to"],
            twiml_url=voice_url(tools.public_base_url, payload["answer_path"]),
            status_callback_url=voice_url(tools.public_base_url, STATUS_PATH, **_leg_query(item)),
            caller_id=tools.hotline_number,
            timeout_seconds=int(payload.get("ring_seconds", 30)),
        )
    )
    return Done(sid)


def _leg_query(item: ClaimedWork) -> dict[str, object]:
    """`work=ID`, and the leg's owner when the row names one (rows queued before it did
    leave the status webhook to ask both owners)."""
    query: dict[str, object] = {"work": item.id}
    if item.payload.get("leg"):
        query["leg"] = item.payload["leg"]
    return query


def do_end_call(item: ClaimedWork, tools: WorkTools) -> Done:
    try:
        tools.gateway.end_call(item.payload["call_sid"], item.payload.get("status", "completed"))
    except GatewayError as error:
        if error.status in NOT_IN_PROGRESS:  # over already: what we wanted
            return Done(item.payload["call_sid"])
        raise
    return Done(item.payload["call_sid"])


def do_delete_queue(item: ClaimedWork, tools: WorkTools) -> Done:
    try:
        tools.gateway.delete_queue(item.payload["queue_sid"])
    except GatewayError as error:
        if error.status == 404:  # gone already
            return Done(item.payload["queue_sid"])
        raise
    return Done(item.payload["queue_sid"])


def do_delete_twilio_record(item: ClaimedWork, tools: WorkTools) -> Done:
    """Twilio answers 204 and finishes deleting in its own time; 404: deleted before."""
    record, sid = item.payload["record"], item.payload["sid"]
    delete = tools.gateway.delete_call if record == "call" else tools.gateway.delete_message
    try:
        delete(sid)
    except GatewayError as error:
        if error.status != 404:
            raise
    return Done()


def do_send_sms(item: ClaimedWork, tools: WorkTools) -> Done:
    callback = f"{tools.public_base_url}{MESSAGES_PREFIX}/{MESSAGE_STATUS_PATH}?work={item.id}"
    return Done(tools.gateway.send_sms(item.payload["to"], item.payload["body"], callback))


def do_send_mail(item: ClaimedWork, tools: WorkTools) -> Done:
    payload = item.payload
    message = EmailMessage()
    message["From"] = tools.mail_from
    message["To"] = ", ".join(payload["to"])
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(tools.clock.now().timestamp(), localtime=False)
    message["Message-ID"] = work_message_id(item.id, item.key, tools.mail_from)
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    if payload.get("calendar"):
        _add_invitation(message, *payload["calendar"])
    for filename, content_type, content in payload.get("attachments", []):
        _attach(message, filename, content_type, content)
    return Done(tools.mailer.send(message))


def _add_invitation(message: EmailMessage, method: str, ics: str) -> None:
    """The structure Outlook, Gmail and Apple Mail all read as an invitation: the calendar as
    a third alternative (`text/calendar; method=...`, the same METHOD as inside the file),
    and the same file attached as `termin.ics` (`multipart/mixed` around both)."""
    params = {"method": method}
    message.add_alternative(ics, subtype="calendar", params=params)
    message.add_attachment(ics, subtype="calendar", filename="termin.ics", params=params)


def _attach(message: EmailMessage, filename: str, content_type: str, content: str) -> None:
    """A text attachment such as `text/calendar; method=REQUEST`, parameters kept."""
    maintype, _, rest = content_type.partition("/")
    subtype, *parameters = (part.strip() for part in rest.split(";"))
    params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
    if maintype != "text":
        raise ValueError(f"only text attachments are queued, not {content_type!r}")
    message.add_attachment(content, subtype=subtype, filename=filename, params=params)


SIDE_EFFECTS = (
    WorkKind("place_call", do_place_call, sent_counts_as_done=True),
    WorkKind("end_call", do_end_call),
    WorkKind("delete_queue", do_delete_queue),
    WorkKind("send_sms", do_send_sms, sent_counts_as_done=True),
    WorkKind("send_mail", do_send_mail),
    WorkKind("delete_twilio_record", do_delete_twilio_record),
)
