"""A local SMTP server for tests: keeps every message it accepts, and can be told to refuse.

Built on aiosmtpd's threaded `Controller`, bound to 127.0.0.1 on a free port (the network
guard in conftest allows nothing else). `fail_next(count, code)` makes the next `count` mail
transactions end with that reply, at MAIL, RCPT or DATA, so tests can check how the mailer
classifies a 451 (try later) against a 550 (never). Given `logins`, it demands AUTH (over plain
SMTP: there are no certificates here) and accepts only those user names and passwords.
`goodbye(after=..., reply=...)` makes its answer to QUIT (after it has accepted the mail) slow
or odd.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Stage = Literal["mail", "rcpt", "data"]
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter per connection

_REPLIES = {
    421: "421 4.3.0 Service not available, closing channel",
    450: "450 4.2.0 Mailbox unavailable, try again later",
    451: "451 4.3.0 Local error in processing, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message too big",
    553: "553 5.1.3 Mailbox name not allowed",
    554: "554 5.7.1 Transaction failed",
}


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class _Failure:
    reply: str
    stage: Stage


class _Recorder:
    """aiosmtpd handler: records accepted mail, and refuses while failures are pending."""

    def __init__(self, *, login_required: bool = False) -> None:
        self.login_required = login_required
        self.received: list[ReceivedMail] = []
        self.pending: list[_Failure] = []
        self.lock = threading.Lock()
        # The failure of each connection's current transaction; MAIL starts a new one.
        self._failing: dict[int, _Failure] = {}
        self.quit_after = 0.0  # seconds before it answers QUIT
        self.quit_reply = "221 Bye"

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.login_required and not session.authenticated:
            return "530 5.7.0 Authentication required"
        with self.lock:
            failure = self.pending.pop(0) if self.pending else None
        self._failing.pop(id(session), None)
        if failure and failure.stage == "mail":
            return failure.reply
        if failure:
            self._failing[id(session)] = failure
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        failure = self._failing.get(id(session))
        if failure and failure.stage == "rcpt":
            return failure.reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        await asyncio.sleep(self.quit_after)
        return self.quit_reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        failure = self._failing.pop(id(session), None)
        if failure:
            return failure.reply
        content = cast(bytes, envelope.content).replace(b"\r\n", b"\n")  # as a mailbox stores it
        message = email.message_from_bytes(content, policy=email.policy.default)
        mail = ReceivedMail(
            sender=envelope.mail_from or "",
            recipients=list(envelope.rcpt_tos),
            message=cast(EmailMessage, message),
        )
        with self.lock:
            self.received.append(mail)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """Use as a context manager: `with LocalSmtpServer() as smtp: ... smtp.url ...`."""

    def __init__(self, logins: dict[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port(self.host)
        self._handler = _Recorder(login_required=bool(logins))
        self._logins = logins
        # AUTH over plain SMTP (no certificates here); MAIL checks that the client logged in
        auth: dict[str, Any] = (
            {"auth_require_tls": False, "authenticator": self._authenticate} if logins else {}
        )
        self._controller = Controller(
            self._handler, hostname=self.host, port=self.port, enable_SMTPUTF8=True, **auth
        )

    @property
    def url(self) -> str:
        """An SMTP_URL for this server (plain SMTP, no login)."""
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[ReceivedMail]:
        with self._handler.lock:
            return list(self._handler.received)

    def goodbye(self, *, after: float = 0.0, reply: str = "221 Bye") -> None:
        """Answer QUIT `after` seconds with `reply` (a real server may be slow, or odd)."""
        self._handler.quit_after, self._handler.quit_reply = after, reply

    def fail_next(self, count: int = 1, code: int = 451, *, stage: Stage = "data") -> None:
        """The next `count` mail transactions get `code` at `stage` instead of being accepted
        (at "rcpt" every recipient of the transaction is refused)."""
        reply = _REPLIES.get(code, f"{code} {code // 100}.0.0 Refused by the test server")
        with self._handler.lock:
            self._handler.pending.extend(_Failure(reply, stage) for _ in range(count))

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword) or not self._logins:
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        return AuthResult(success=self._logins.get(login) == password, handled=False)

    def __enter__(self) -> LocalSmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def _free_port(host: str) -> int:
    """A port nobody listens on right now (aiosmtpd's Controller cannot bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return cast(Any, probe.getsockname())[1]
