"""The one mailer: every e-mail the service sends goes through here.

`SmtpMailer` sends through the server named by `SMTP_URL`; `ConsoleMailer` prints the mail
instead, for development without a mail server (the whole mail outside production, a masked
line in production). Both return the Message-ID that went out, so an outbox can record what it
sent, and both fail with `MailError`, which says whether a retry may help. Neither ever puts a
full e-mail address into a message that may end up in a log: the console's mails go to
standard output, never through logging.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid, parseaddr
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from hotline.mail.console import printed_mail
from hotline.texts import text

DEFAULT_DOMAIN = "starkestelle.de"

Security = Literal["plain", "starttls", "tls"]

_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("plain", 25),
    "smtp+starttls": ("starttls", 587),
    "smtp+tls": ("starttls", 587),
    "smtps": ("tls", 465),
    "smtp+ssl": ("tls", 465),
}
_ACCEPTED = (
    "smtp://host[:port], smtp+starttls://host[:port] (or smtp+tls://), "
    "smtps://host[:port] (or smtp+ssl://), optionally with user:password@ before the host"
)


class MailError(RuntimeError):
    """Sending failed; `transient` says whether trying again later may succeed. The message never
    contains an e-mail address (it may be logged)."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class SenderCheckFailed(MailError):
    """`SmtpMailer.check_sender` failed at `step`: `connect` (no server, no greeting),
    `login` (STARTTLS or the login refused) or `sender` (MAIL FROM refused)."""

    def __init__(self, step: str, error: MailError) -> None:
        super().__init__(str(error), transient=error.transient)
        self.step = step


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # kept out of reprs and logs


def parse_smtp_url(url: str) -> SmtpSettings:
    """Reads SMTP_URL; errors name the accepted forms but never repeat the URL (it may hold a
    password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise ValueError(f"SMTP_URL has an unknown scheme {scheme!r}; accepted: {_ACCEPTED}")
    if not parts.hostname:
        raise ValueError(f"SMTP_URL names no host; accepted: {_ACCEPTED}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"SMTP_URL may not have a path or query; accepted: {_ACCEPTED}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"SMTP_URL has an invalid port; accepted: {_ACCEPTED}") from None
    security, default_port = _SCHEMES[scheme]
    return SmtpSettings(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def work_message_id(item_id: int, idempotency_key: str, sender: str) -> str:
    """A Message-ID that is the same on every attempt of one outbox item, so receivers can
    recognise a retried mail as a duplicate."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
    return f"<work-{item_id}.{digest}@{sender_domain(sender)}>"


def sender_domain(sender: str) -> str:
    """The domain of an address such as "starke Stelle <info@starkestelle.de>"."""
    _, _, domain = parseaddr(sender)[1].rpartition("@")
    return domain.strip().lower() or DEFAULT_DOMAIN


def mask_address(address: str) -> str:
    """Masks an address (anna@example.org -> a•••@example.org): enough to tell mails apart in
    a console line, too little to identify the office-holder."""
    local, at, domain = address.rpartition("@") if "@" in address else (address, "", "")
    return f"{local[:1]}•••{at}{domain}"


def ensure_message_id(message: EmailMessage) -> str:
    """Returns the message's Message-ID, giving it one first if it has none."""
    if message["Message-ID"] is None:
        message["Message-ID"] = make_msgid(domain=sender_domain(str(message["From"] or "")))
    return str(message["Message-ID"]).strip()


def to_standard_output(text: str) -> None:
    """One write (and a flush) per text: print() writes the line end separately, and two
    threads printing at once glue their texts together."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class ConsoleMailer:
    """Prints each mail instead of sending it, for a service without a mail server.

    `whole` (development and testing): the whole mail as its recipient would read it, with
    the addresses and links a developer needs to follow a booking (`hotline.mail.console`).
    Otherwise (production without SMTP_URL) one line with the recipients masked. Each mail is
    one `write` under a lock, so mails sent at once by the scheduler's threads never mix."""

    _writing = threading.Lock()

    def __init__(
        self, write: Callable[[str], None] = to_standard_output, *, whole: bool = False
    ) -> None:
        self._write = write
        self._whole = whole

    def send(self, message: EmailMessage) -> str:
        message_id = ensure_message_id(message)
        text = printed_mail(message) if self._whole else _masked_line(message, message_id)
        with self._writing:
            self._write(text)
        return message_id


def _masked_line(message: EmailMessage, message_id: str) -> str:
    headers = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    recipients = ", ".join(mask_address(address) for _, address in getaddresses(headers))
    return text(
        "mail.masked_line",
        recipients=recipients or text("mail.nobody"),
        subject=message["Subject"] or text("mail.no_subject"),
        message_id=message_id,
    )


class SmtpMailer:
    """Sends through one SMTP server; the URL is checked at construction, so a wrong SMTP_URL
    stops the service at start-up rather than at the first mail."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.settings = parse_smtp_url(url)
        self._timeout = timeout

    def send(self, message: EmailMessage) -> str:
        """Returns as soon as the server has taken the message (its 250 to the end of DATA).

        The session then ends with a QUIT whose reply is not awaited: the mail is delivered
        by then, and nothing the server does afterwards (a slow, lost or odd goodbye) may turn
        it into a failure that is sent again, or keep the outbox from recording it at once.
        A crash between the 250 and that record is the only way a mail goes out twice (see
        README, "The scheduler process and its outbox")."""
        message_id = ensure_message_id(message)
        try:
            smtp = self._connect()
        except OSError as error:  # smtplib.SMTPException is an OSError too
            raise classify(error) from None
        try:
            self._secure_and_log_in(smtp)
            smtp.send_message(message)
        except OSError as error:
            # `from None`: smtplib's own exceptions carry the refused addresses
            raise classify(error) from None
        finally:
            _hang_up(smtp)
        return message_id

    def check_sender(self, sender: str) -> None:
        """A session opened as `send` opens it (TLS, login), up to the server's answer to
        MAIL FROM `sender`, then RSET and QUIT: no mail is sent (`hotline doctor`). Raises
        `SenderCheckFailed` naming the step that failed."""
        try:
            smtp = self._connect()
        except OSError as error:
            raise SenderCheckFailed("connect", classify(error)) from None
        step = "login"
        try:
            self._secure_and_log_in(smtp)
            step = "sender"
            code, reply = smtp.mail(parseaddr(sender)[1])
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            smtp.rset()
        except OSError as error:
            raise SenderCheckFailed(step, classify(error)) from None
        finally:
            _hang_up(smtp)

    def _secure_and_log_in(self, smtp: smtplib.SMTP) -> None:
        if self.settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if self.settings.username:
            smtp.login(self.settings.username, self.settings.password or "")

    def _connect(self) -> smtplib.SMTP:
        host, port, timeout = self.settings.host, self.settings.port, self._timeout
        if self.settings.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        return smtplib.SMTP(host, port, timeout=timeout)


def _hang_up(smtp: smtplib.SMTP) -> None:
    """QUIT, then close without waiting for the 221 (and without failing for want of it)."""
    with contextlib.suppress(OSError):
        smtp.send("QUIT\r\n")
    smtp.close()


def classify(error: OSError) -> MailError:
    """Turns a failure of smtplib or the network into a MailError: 4xx replies and lost
    connections may pass, 5xx replies and refused logins will not."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError(f"SMTP login refused (SMTP {error.smtp_code})", transient=False)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        permanent = all(code >= 500 for code in codes)
        listed = ", ".join(map(str, codes)) or "no recipients"
        return MailError(f"all recipients refused (SMTP {listed})", transient=not permanent)
    if isinstance(error, smtplib.SMTPResponseException):
        kind = {
            smtplib.SMTPSenderRefused: "sender refused",
            smtplib.SMTPDataError: "message refused",
            smtplib.SMTPConnectError: "greeting refused",
            smtplib.SMTPHeloError: "HELO refused",
        }.get(type(error), "server refused")
        return MailError(f"{kind} (SMTP {error.smtp_code})", transient=error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailError("SMTP server closed the connection", transient=True)
    if isinstance(error, smtplib.SMTPException):  # e.g. STARTTLS or AUTH not offered
        return MailError(f"SMTP session failed ({type(error).__name__})", transient=False)
    return MailError(f"SMTP connection failed ({type(error).__name__})", transient=True)


def make_mailer(
    smtp_url: str | None,
    write: Callable[[str], None] = to_standard_output,
    *,
    whole_mails: bool = False,
) -> Mailer:
    """SMTP when SMTP_URL is set, else the console (printing whole mails if `whole_mails`):
    the choice made once, by configuration."""
    return SmtpMailer(smtp_url) if smtp_url else ConsoleMailer(write, whole=whole_mails)
