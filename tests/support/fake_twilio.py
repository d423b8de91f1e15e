"""A local fake of the Twilio REST API: a real HTTP server that records what it receives."""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class ReceivedRequest:
    method: str
    path: str
    form: dict[str, list[str]]
    authorization: str


@dataclass
class FakeTwilio:
    url: str
    requests: list[ReceivedRequest] = field(default_factory=list)
    fail_with: int | None = None  # answer every request with this HTTP status

    def calls_created(self) -> list[dict[str, list[str]]]:
        return [
            r.form for r in self.requests if r.method == "POST" and r.path.endswith("/Calls.json")
        ]

    def messages_sent(self) -> list[dict[str, list[str]]]:
        return [r.form for r in self.requests if r.path.endswith("/Messages.json")]


def _handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            fake.requests.append(
                ReceivedRequest("POST", self.path, form, self.headers.get("Authorization", ""))
            )
            if fake.fail_with:
                self._answer(
                    fake.fail_with,
                    {"code": 20003, "message": "Authenticate", "status": fake.fail_with},
                )
                return
            prefix = "SM" if self.path.endswith("/Messages.json") else "CA"
            sid = self.path.rsplit("/", 1)[-1].removesuffix(".json")
            if not sid.startswith("CA") or len(sid) != 34:
                sid = prefix + secrets.token_hex(16)
            self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To", [""])[0]})

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


class FakeTwilioServer:
    def __init__(self) -> None:
        self.fake = FakeTwilio(url="")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
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
