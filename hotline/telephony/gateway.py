"""The one outbound gateway: every call and SMS the service places goes through here.

`TwilioGateway` uses the real `twilio.rest.Client`; `TWILIO_API_BASE_URL` redirects its HTTP
requests (tests point it at a local fake). `ConsoleGateway` prints instead, for development
without a Twilio account. Both return the Twilio SID of what they created.

`TWILIO_REGION` and `TWILIO_EDGE` choose where Twilio processes the REST requests (the client
then talks to `api.<edge>.<region>.twilio.com`, e.g. `ie1` and `dublin` for the EU); the
deletions of Twilio's own records of calls and messages (`delete_call`, `delete_message`) go
to the same place.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hotline.telephony.phone_numbers import mask
from hotline.texts import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundCall:
    to: str
    twiml_url: str  # what Twilio fetches when the callee answers
    status_callback_url: str
    caller_id: str
    timeout_seconds: int = 30


class OutboundGateway(Protocol):
    def place_call(self, call: OutboundCall) -> str: ...
    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str: ...
    def end_call(self, call_sid: str, status: str = "completed") -> None: ...
    def delete_queue(self, queue_sid: str) -> None: ...
    def delete_call(self, call_sid: str) -> None: ...
    def delete_message(self, message_sid: str) -> None: ...


class GatewayError(RuntimeError):
    """Twilio refused or could not be reached; the message carries no phone number.

    `transient`: trying again later may succeed (Twilio 5xx or 429, a time-out, no
    connection); otherwise Twilio refused the request itself (an invalid number, a call that
    is over). `status` is Twilio's HTTP status, when it answered.
    """

    def __init__(self, message: str, *, transient: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


class RedirectingHttpClient(TwilioHttpClient):
    """Sends every Twilio API request to another origin (scheme, host, port), path unchanged."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._prefix = parts.path.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        redirected = urlunsplit(
            (self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment)
        )
        return super().request(method, redirected, *args, **kwargs)


def twilio_client(
    account_sid: str,
    auth_token: str,
    api_base_url: str | None = None,
    *,
    region: str | None = None,
    edge: str | None = None,
    timeout: float = 10,
) -> Client:
    """The REST client as the service builds it (also for `hotline doctor`'s read-only
    requests): sent to `TWILIO_API_BASE_URL` when one is named, processed where
    `TWILIO_REGION`/`TWILIO_EDGE` say, each request given up after `timeout` seconds."""
    http_client = (
        RedirectingHttpClient(api_base_url, timeout=timeout)
        if api_base_url
        else TwilioHttpClient(timeout=timeout)
    )
    return Client(account_sid, auth_token, http_client=http_client, region=region, edge=edge)


class TwilioGateway:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        api_base_url: str | None = None,
        *,
        region: str | None = None,
        edge: str | None = None,
    ) -> None:
        self._client = twilio_client(
            account_sid, auth_token, api_base_url, region=region, edge=edge
        )
        self._sender = sender

    @property
    def region(self) -> str | None:
        """Where Twilio processes this gateway's requests (None: Twilio's default, US)."""
        return self._client.region

    @property
    def edge(self) -> str | None:
        return self._client.edge

    def place_call(self, call: OutboundCall) -> str:
        created = self._guarded(
            lambda: self._client.calls.create(
                to=call.to,
                from_=call.caller_id,
                url=call.twiml_url,
                status_callback=call.status_callback_url,
                status_callback_event=["initiated", "ringing", "answered", "completed"],
                timeout=call.timeout_seconds,
                record=False,
            )
        )
        log.info("outbound call placed", extra={"call_sid": created.sid})
        return created.sid

    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str:
        extra = {"status_callback": status_callback_url} if status_callback_url else {}
        created = self._guarded(
            lambda: self._client.messages.create(to=to, from_=self._sender, body=body, **extra)
        )
        log.info("sms sent", extra={"message_sid": created.sid})
        return created.sid

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        """`canceled` hangs up a call that is still ringing, `completed` one in progress."""
        self._guarded(lambda: self._client.calls(call_sid).update(status=status))
        log.info("call ended", extra={"call_sid": call_sid, "status": status})

    def delete_queue(self, queue_sid: str) -> None:
        """Twilio keeps a queue until it is deleted; each caller waits in one of their own."""
        self._guarded(lambda: self._client.queues(queue_sid).delete())
        log.info("queue deleted", extra={"queue_sid": queue_sid})

    def delete_call(self, call_sid: str) -> None:
        """Twilio's record of a call (numbers, times) deleted from its logs; Twilio answers
        404 for one deleted before and refuses one still in progress."""
        self._guarded(lambda: self._client.calls(call_sid).delete())
        log.info("twilio call record deleted", extra={"call_sid": call_sid})

    def delete_message(self, message_sid: str) -> None:
        """Twilio's record of an SMS (numbers, text) deleted from its logs."""
        self._guarded(lambda: self._client.messages(message_sid).delete())
        log.info("twilio message record deleted", extra={"message_sid": message_sid})

    @staticmethod
    def _guarded(action: Callable[[], Any]) -> Any:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            return action()
        except TwilioRestException as error:
            transient = error.status >= 500 or error.status == 429
            raise GatewayError(
                f"Twilio answered {error.status} (code {error.code})",
                transient=transient,
                status=error.status,
            ) from None
        except (TwilioException, OSError) as error:
            raise GatewayError(
                f"Twilio could not be reached: {type(error).__name__}", transient=True
            ) from None


class ConsoleGateway:
    """Development backend: prints what would be sent, with masked numbers."""

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self._write = write

    def place_call(self, call: OutboundCall) -> str:
        sid = "CA" + secrets.token_hex(16)
        self._write(
            text("telephony.console.call_placed", to=mask(call.to), url=call.twiml_url, sid=sid)
        )
        return sid

    def send_sms(self, to: str, body: str, status_callback_url: str | None = None) -> str:
        sid = "SM" + secrets.token_hex(16)
        self._write(text("telephony.console.sms_sent", to=mask(to), body=body, sid=sid))
        return sid

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        self._write(text("telephony.console.call_ended", sid=call_sid, status=status))

    def delete_queue(self, queue_sid: str) -> None:
        self._write(text("telephony.console.queue_deleted", sid=queue_sid))

    def delete_call(self, call_sid: str) -> None:
        self._write(text("telephony.console.record_deleted", sid=call_sid))

    def delete_message(self, message_sid: str) -> None:
        self._write(text("telephony.console.record_deleted", sid=message_sid))
