"""How the simulated Twilio reaches the service: in-process (Flask test client) or over HTTP.

Both sign every request exactly as Twilio does, so the service's signature check is exercised
and a request that passes here would pass from Twilio (given the same PUBLIC_BASE_URL).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import requests
from twilio.request_validator import RequestValidator


@dataclass(frozen=True)
class TwimlReply:
    status: int
    body: str
    content_type: str


class Transport(Protocol):
    def request(self, method: str, url: str, params: Mapping[str, str]) -> TwimlReply: ...


class TransportError(Exception):
    """The service could not be reached at all (Twilio reports 11200, HTTP retrieval failure)."""


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str  # path and query as sent to the service
    signed_url: str  # public URL the signature covers
    form: dict[str, str] | None  # POST body; None for GET
    headers: dict[str, str]


def sign_request(
    method: str, url: str, params: Mapping[str, str], *, auth_token: str, public_base_url: str
) -> SignedRequest:
    """Place params like Twilio (POST body or GET query) and compute `X-Twilio-Signature`.

    For GET Twilio appends the parameters to the URL and signs that URL without parameters.
    """
    method = method.upper()
    base = public_base_url.rstrip("/")
    path = _path_below(base, url)
    form: dict[str, str] | None = dict(params)
    if method == "GET":
        query = urlencode(list(params.items()))
        if query:
            path += ("&" if "?" in path else "?") + query
        form = None
    signed_url = base + path
    signature = RequestValidator(auth_token).compute_signature(signed_url, form or {})
    headers = {
        "X-Twilio-Signature": signature,
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
    }
    return SignedRequest(method, path, signed_url, form, headers)


def _path_below(base: str, url: str) -> str:
    """The path (+ query) of `url` under the public base; a bare path is taken as it is."""
    if not urlsplit(url).scheme:
        return url if url.startswith("/") else "/" + url
    rest = url[len(base) :] if url.startswith(base) else None
    if rest is None or (rest and rest[0] not in "/?"):
        raise TransportError(f"{url} is not served here (public base URL {base})")
    return rest if rest.startswith("/") else "/" + rest


class FlaskClientTransport:
    """In-process: calls a Flask test client, as if Twilio reached the service through its proxy."""

    def __init__(self, client: Any, auth_token: str, public_base_url: str) -> None:
        self._client = client
        self._auth_token = auth_token
        self._public_base_url = public_base_url

    def request(self, method: str, url: str, params: Mapping[str, str]) -> TwimlReply:
        signed = sign_request(
            method, url, params, auth_token=self._auth_token, public_base_url=self._public_base_url
        )
        response = self._client.open(
            signed.path,
            method=signed.method,
            data=signed.form,
            headers=signed.headers,
            buffered=True,  # like a server: close callbacks run once the answer is out
        )
        return TwimlReply(
            status=response.status_code,
            body=response.get_data(as_text=True),
            content_type=response.headers.get("Content-Type", ""),
        )


class HttpTransport:
    """Against a running service (`make run`); signs for `public_base_url` (default: base_url)."""

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        public_base_url: str | None = None,
        *,
        timeout: float = 15.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._auth_token = auth_token
        self._public_base_url = public_base_url or base_url
        self._timeout = timeout
        self._session = requests.Session()

    def request(self, method: str, url: str, params: Mapping[str, str]) -> TwimlReply:
        signed = sign_request(
            method, url, params, auth_token=self._auth_token, public_base_url=self._public_base_url
        )
        try:
            response = self._session.request(
                signed.method,
                self._base_url + signed.path,
                data=signed.form,
                headers=signed.headers,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise TransportError(f"{signed.method} {signed.signed_url}: {exc}") from exc
        return TwimlReply(
            status=response.status_code,
            body=response.content.decode(_charset(response), errors="replace"),
            content_type=response.headers.get("Content-Type", ""),
        )


def _charset(response: requests.Response) -> str:
    """The declared charset, else UTF-8 (requests would guess ISO-8859-1 for text/xml)."""
    content_type = response.headers.get("Content-Type", "")
    return response.encoding if "charset=" in content_type and response.encoding else "utf-8"
