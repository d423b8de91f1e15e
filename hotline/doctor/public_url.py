"""PUBLIC_BASE_URL as Twilio will call it: the webhooks' URLs and their signatures are built
from it, so a wrong one makes every call fail with 403 (or never reach the service)."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
from urllib.parse import urlsplit

from hotline.doctor.findings import Finding, failed, ok, skipped
from hotline.telephony.urls import TWILIO_PREFIX
from hotline.texts import text

_LOCAL_HOSTS = ("localhost", "localhost.localdomain")


def public_url_finding(environ: Mapping[str, str], production: bool) -> Finding:
    raw = environ.get("PUBLIC_BASE_URL", "").strip()
    if not raw:
        return skipped(
            "public_url", text("doctor.missing" if production else "doctor.public_url.unset")
        )
    problem = _problem(raw, production)
    if problem:
        return failed(
            "public_url",
            text(f"doctor.public_url.{problem}", url=_shown(raw)),
            text("doctor.public_url.fix", example=_suggestion(raw)),
        )
    parts = urlsplit(raw)
    url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    return ok("public_url", text("doctor.public_url.fine", url=url))


def _problem(raw: str, production: bool) -> str | None:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not_a_url"
    if parts.username is not None or parts.password is not None:
        return "credentials"
    if parts.query or parts.fragment:
        return "query"
    if production and parts.scheme != "https":
        return "not_https"
    if TWILIO_PREFIX in parts.path.rstrip("/") + "/":
        return "webhook_path"  # a webhook's URL pasted instead of the base
    if "//" in parts.path:
        return "odd_path"
    if production and _is_local(parts.hostname):
        return "local_host"
    return None


def _is_local(host: str) -> bool:
    if host in _LOCAL_HOSTS:
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _shown(raw: str) -> str:
    """The URL as it may be printed: without a user name or password in it."""
    parts = urlsplit(raw)
    if parts.username is None and parts.password is None:
        return raw
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"•••@{host}").geturl()


def _suggestion(raw: str) -> str:
    """What the value probably should be: https, the host, the path before /twilio/."""
    parts = urlsplit(raw)
    host = parts.netloc.rpartition("@")[2] or "hotline.example.org"
    path = parts.path.split(TWILIO_PREFIX.rstrip("/"))[0].rstrip("/")
    while "//" in path:
        path = path.replace("//", "/")
    return f"https://{host}{path}"
