"""A local fake of the Twilio REST API: a real HTTP server that records what it receives.

It answers the read-only GETs `hotline doctor` makes: the account (`account_status`) and the
account's IncomingPhoneNumbers (`phone_numbers`, filtered by PhoneNumber as Twilio filters),
and, given `credentials`, refuses a GET without them with a 401 as Twilio does.

Besides recording, it can behave like Twilio in the ways the scheduler must cope with: answer
with an error for the next requests (a 503 that passes, a 400 that does not; DELETEs of
Call and Message records too), answer slowly,
and report on a call it "placed" (or an SMS it "sent") by posting a signed status callback
to the service, as Twilio does, whatever became of the process that placed it; to one of
several nodes in turn, the next one if a node does not answer, as through a load balancer.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests
from twilio.request_validator import RequestValidator


@dataclass
class ReceivedRequest:
    method: str
    path: str
    form: dict[str, list[str]]
    authorization: str
    received_at: float = 0.0  # time.monotonic() when it arrived

    @property
    def work_id(self) -> int | None:
        """The outbox row named in the request's status-callback URL (`?work=ID`)."""
        callback = (self.form.get("StatusCallback") or [""])[0]
        values = parse_qs(urlsplit(callback).query).get("work")
        return int(values[0]) if values else None


@dataclass
class CallbackTarget:
    """Where a status callback really goes (the test's server) and how it is signed."""

    base_url: str  # e.g. http://127.0.0.1:5123, standing in for the public URL
    public_base_url: str  # what the signature covers
    auth_token: str
    other_base_urls: tuple[str, ...] = ()  # further nodes behind the same public URL

    def nodes(self, turn: int) -> list[str]:
        """Every node, starting with the one whose turn it is (round robin)."""
        every = [self.base_url, *self.other_base_urls]
        start = turn % len(every)
        return every[start:] + every[:start]


@dataclass
class FakeTwilio:
    url: str
    requests: list[ReceivedRequest] = field(default_factory=list)
    fail_with: int | None = None  # answer every request with this HTTP status
    failures: deque[int] = field(default_factory=deque)  # answer the next ones with these
    delay_seconds: float = 0.0
    report_to: CallbackTarget | None = None  # post an "initiated" status callback per call
    callbacks_sent: int = 0
    credentials: tuple[str, str] | None = None  # (account SID, auth token) it accepts
    account_status: str = "active"
    phone_numbers: list[dict[str, str | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def calls_created(self) -> list[dict[str, list[str]]]:
        return [
            r.form for r in self.requests if r.method == "POST" and r.path.endswith("/Calls.json")
        ]

    def messages_sent(self) -> list[dict[str, list[str]]]:
        return [r.form for r in self.requests if r.path.endswith("/Messages.json")]

    def requests_per_work_item(self) -> Counter[int]:
        """How often each outbox row was requested (placing a call or sending an SMS)."""
        return Counter(r.work_id for r in self.requests if r.work_id is not None)

    def ended_calls(self) -> dict[str, str]:
        """Call SID -> the status it was updated to (canceled, completed)."""
        return {
            r.path.rsplit("/", 1)[-1].removesuffix(".json"): r.form["Status"][0]
            for r in self.requests
            if "/Calls/" in r.path and "Status" in r.form
        }

    def deleted_queues(self) -> list[str]:
        return [
            r.path.rsplit("/", 1)[-1].removesuffix(".json")
            for r in self.requests
            if r.method == "DELETE" and "/Queues/" in r.path
        ]

    def deleted_records(self, resource: str = "Calls") -> list[str]:
        """The SIDs of Twilio's records deleted (`Calls` or `Messages`), answered 204 or not."""
        return [
            r.path.rsplit("/", 1)[-1].removesuffix(".json")
            for r in self.requests
            if r.method == "DELETE" and f"/{resource}/" in r.path
        ]

    def fail_next(self, *statuses: int) -> None:
        self.failures.extend(statuses)

    def own_number(self, number: str, public_base_url: str | None, **fields: str | None) -> None:
        """A number of the account, its voice webhooks pointing at `public_base_url` (None:
        none set) unless `fields` say otherwise (voice_url=..., voice_method=...)."""
        voice = f"{public_base_url}/twilio/voice" if public_base_url else None
        self.phone_numbers.append(
            {
                "sid": "PN" + secrets.token_hex(16),
                "phone_number": number,
                "voice_url": voice and f"{voice}/incoming",
                "voice_method": "POST",
                "voice_fallback_url": voice and f"{voice}/fallback",
                "voice_fallback_method": "POST",
                "status_callback": voice and f"{voice}/status",
                "status_callback_method": "POST",
                "voice_application_sid": None,
                "trunk_sid": None,
                **fields,
            }
        )

    def authorized(self, authorization: str) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode()
        return authorization == f"Basic {expected}"


_ACCOUNT = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)\.json$")
_NUMBERS = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/IncomingPhoneNumbers\.json$")


def _handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            received = ReceivedRequest(
                "POST", self.path, form, self.headers.get("Authorization", ""), time.monotonic()
            )
            with fake._lock:
                fake.requests.append(received)
                status = fake.fail_with or (fake.failures.popleft() if fake.failures else None)
            if fake.delay_seconds:
                time.sleep(fake.delay_seconds)
            if status:
                self._answer(status, {"code": 20003 if status < 500 else 20500, "status": status})
                return
            prefix = "SM" if self.path.endswith("/Messages.json") else "CA"
            sid = self.path.rsplit("/", 1)[-1].removesuffix(".json")
            if not sid.startswith("CA") or len(sid) != 34:
                sid = prefix + secrets.token_hex(16)
            # if the client is gone (killed?), Twilio places the call all the same
            with contextlib.suppress(OSError):
                self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To", [""])[0]})
            if fake.report_to is not None and self.path.endswith("/Calls.json"):
                _report(fake, fake.report_to, form, _call_report(sid))
            elif fake.report_to is not None and self.path.endswith("/Messages.json"):
                _report(fake, fake.report_to, form, _message_report(sid))

        def do_GET(self) -> None:
            """The account, or its numbers (a page of IncomingPhoneNumbers)."""
            authorization = self.headers.get("Authorization", "")
            received = ReceivedRequest("GET", self.path, {}, authorization, time.monotonic())
            with fake._lock:
                fake.requests.append(received)
            parts = urlsplit(self.path)
            if not fake.authorized(authorization):
                self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return
            if account := _ACCOUNT.match(parts.path):
                sid = account["sid"]
                self._answer(200, {"sid": sid, "status": fake.account_status, "type": "Full"})
                return
            if _NUMBERS.match(parts.path):
                wanted = (parse_qs(parts.query).get("PhoneNumber") or [""])[0]
                with fake._lock:
                    numbers = [n for n in fake.phone_numbers if wanted in (n["phone_number"] or "")]
                self._answer(200, _page(parts.path, "incoming_phone_numbers", numbers))
                return
            self._answer(404, {"code": 20404, "message": "not found", "status": 404})

        def do_DELETE(self) -> None:
            """A queue deleted after its caller's call, or Twilio's record of a call or an
            SMS: 204 (or the error asked for with `fail_next`)."""
            received = ReceivedRequest(
                "DELETE", self.path, {}, self.headers.get("Authorization", ""), time.monotonic()
            )
            with fake._lock:
                fake.requests.append(received)
                status = fake.fail_with or (fake.failures.popleft() if fake.failures else None)
            if status:
                self._answer(status, {"code": 20404 if status == 404 else 20500, "status": status})
                return
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _answer(self, status: int, payload: dict[str, object]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _page(path: str, key: str, records: list[dict[str, str | None]]) -> dict[str, object]:
    """One page of a Twilio list resource, as the 2010 API sends it."""
    return {
        key: records,
        "uri": path,
        "first_page_uri": path,
        "next_page_uri": None,
        "previous_page_uri": None,
        "page": 0,
        "page_size": 50,
        "start": 0,
        "end": max(len(records) - 1, 0),
    }


def _call_report(sid: str) -> dict[str, str]:
    """A placed call's first status callback."""
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "CallStatus": "initiated",
        "Direction": "outbound-api",
        "SequenceNumber": "0",
    }


def _message_report(sid: str) -> dict[str, str]:
    """A sent SMS's status callback."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "MessageStatus": "sent",
        "SmsStatus": "sent",
    }


def _report(
    fake: FakeTwilio, target: CallbackTarget, form: dict[str, list[str]], params: dict[str, str]
) -> None:
    """As Twilio does: a status callback, signed for the public URL, to the node whose turn it
    is, or the next one if that one does not answer at all (a node that is down)."""
    callback = (form.get("StatusCallback") or [""])[0]
    if not callback.startswith(target.public_base_url):
        return
    signature = RequestValidator(target.auth_token).compute_signature(callback, params)
    path = callback[len(target.public_base_url) :]
    with fake._lock:
        turn = fake.callbacks_sent
    nodes = target.nodes(turn)
    for node in nodes:
        try:
            response = requests.post(
                node + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
            )
        except requests.ConnectionError:
            if node == nodes[-1]:
                raise
            continue
        response.raise_for_status()
        break
    with fake._lock:
        fake.callbacks_sent += 1


class FakeTwilioServer:
    def __init__(self) -> None:
        self.fake = FakeTwilio(url="")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        self._server.daemon_threads = True
        self.fake.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FakeTwilio:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
