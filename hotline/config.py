"""Configuration from environment variables, validated once at start.

Production refuses to start without its secrets; development and testing fill in safe local
defaults so that `make run` works on a fresh machine.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENVIRONMENTS = ("production", "development", "testing")
DEV_AUTH_TOKEN = "dev-auth-token-not-secret-0000000"
DEV_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_HOTLINE_NUMBER = "+498003009944"
DEFAULT_VIDEO_URL_TEMPLATE = "https://meet.jit.si/starke-stelle-{room}"
REQUIRED_IN_PRODUCTION = (
    "TWILIO_AUTH_TOKEN",
    "PUBLIC_BASE_URL",
    "SECRET_KEY",
    "HOTLINE_DATA_KEY",
)


class ConfigError(RuntimeError):
    """The service cannot start with this configuration; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    env: str
    instance_path: Path
    database_url: str
    public_base_url: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_api_base_url: str | None
    twilio_configured: bool
    hotline_number: str
    secret_key: str
    data_keys: tuple[str, ...]
    # keys of the keyed hashes callers' numbers are blocked and counted by, newest first
    hash_keys: tuple[str, ...]
    smtp_url: str | None
    mail_from: str
    video_url_template: str
    contact_email: str = "info@starkestelle.de"
    file_config: Mapping[str, Any] = field(default_factory=dict)
    ratelimit_storage_uri: str = "memory://"  # Flask-Limiter's store; shared: redis://...
    ratelimit_key_prefix: str = ""  # keeps two services (or test runs) apart in one Redis
    ratelimit_single_node: bool = False  # RATELIMIT_SINGLE_NODE: per-process limits accepted
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    imprint_url: str | None = None  # the Impressum every public page links to (IMPRINT_URL)
    metrics_token: str | None = None  # bearer token for GET /metrics; unset: no /metrics
    scheduler_metrics_address: tuple[str, int] | None = None  # the scheduler's own /metrics
    # where Twilio processes the REST requests (TWILIO_REGION, TWILIO_EDGE); None: Twilio's
    # default, the US region
    twilio_region: str | None = None
    twilio_edge: str | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(
    environ: Mapping[str, str] | None = None, instance_path: Path | None = None
) -> Settings:
    """Read and validate the settings; raise ConfigError naming every problem at once."""
    environ = os.environ if environ is None else environ
    env = environ.get("HOTLINE_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"HOTLINE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    instance = Path(instance_path or environ.get("HOTLINE_INSTANCE_PATH") or "instance").resolve()

    if env == "production":
        missing = [name for name in REQUIRED_IN_PRODUCTION if not environ.get(name, "").strip()]
        if missing:
            raise ConfigError(
                "HOTLINE_ENV=production needs these environment variables, which are missing: "
                + ", ".join(missing)
                + ". Set them (see README.md, Configuration) or use HOTLINE_ENV=development."
            )

    public_base_url = environ.get("PUBLIC_BASE_URL", "").strip()
    _check_public_base_url(public_base_url)
    auth_token = environ.get("TWILIO_AUTH_TOKEN", "").strip()
    data_keys = _data_keys("HOTLINE_DATA_KEY", environ, env, instance, "data.key")
    hash_keys = _hash_keys(environ, env, instance, data_keys)
    return Settings(
        env=env,
        instance_path=instance,
        database_url=environ.get("DATABASE_URL", "").strip()
        or f"sqlite:///{instance / 'hotline.db'}",
        public_base_url=(
            public_base_url or f"http://127.0.0.1:{environ.get('PORT', '').strip() or '8000'}"
        ).rstrip("/"),
        twilio_account_sid=environ.get("TWILIO_ACCOUNT_SID", "").strip() or DEV_ACCOUNT_SID,
        twilio_auth_token=auth_token or DEV_AUTH_TOKEN,
        twilio_api_base_url=environ.get("TWILIO_API_BASE_URL", "").strip() or None,
        twilio_configured=bool(auth_token and environ.get("TWILIO_ACCOUNT_SID", "").strip()),
        hotline_number=environ.get("HOTLINE_NUMBER", "").strip() or DEFAULT_HOTLINE_NUMBER,
        secret_key=environ.get("SECRET_KEY", "").strip()
        or _instance_secret(instance, "secret.key"),
        data_keys=data_keys,
        hash_keys=hash_keys,
        smtp_url=environ.get("SMTP_URL", "").strip() or None,
        mail_from=environ.get("MAIL_FROM", "").strip() or "starke Stelle <info@starkestelle.de>",
        video_url_template=_video_template(environ.get("VIDEO_URL_TEMPLATE", "")),
        file_config=_file_config(environ.get("HOTLINE_CONFIG", "").strip()),
        ratelimit_storage_uri=_ratelimit_storage_uri(environ.get("RATELIMIT_STORAGE_URI", "")),
        ratelimit_key_prefix=environ.get("RATELIMIT_KEY_PREFIX", "").strip(),
        ratelimit_single_node=_yes_or_no("RATELIMIT_SINGLE_NODE", environ),
        trusted_proxies=_trusted_proxies(environ.get("TRUSTED_PROXIES", "")),
        imprint_url=_imprint_url(environ.get("IMPRINT_URL", "")),
        metrics_token=_metrics_token(environ.get("METRICS_TOKEN", "")),
        scheduler_metrics_address=_address(environ.get("SCHEDULER_METRICS_ADDRESS", "")),
        twilio_region=_twilio_place("TWILIO_REGION", environ.get("TWILIO_REGION", "")),
        twilio_edge=_twilio_place("TWILIO_EDGE", environ.get("TWILIO_EDGE", "")),
    )


def web_concurrency(environ: Mapping[str, str] | None = None) -> int:
    """The number of gunicorn workers gunicorn.conf.py starts: WEB_CONCURRENCY, else one per
    core (one function for the server's settings and the checks that depend on them)."""
    environ = os.environ if environ is None else environ
    raw = environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return os.cpu_count() or 1
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"WEB_CONCURRENCY must be a number of workers (1 or more), not {raw!r}")
    return int(raw)


def refuse_per_process_rate_limits(settings: Settings, workers: int) -> None:
    """Production with several web workers needs one shared rate-limit store.

    With `memory://` every worker counts on its own: a login limit of 10 a minute is 20 with
    two workers and 10 x nodes x workers in a cluster. An operator who runs one node and
    accepts that (the budget multiplied by the workers) says so with RATELIMIT_SINGLE_NODE.
    """
    if not settings.is_production or workers <= 1 or settings.ratelimit_single_node:
        return
    if not settings.ratelimit_storage_uri.startswith("memory://"):
        return
    raise ConfigError(
        f"RATELIMIT_STORAGE_URI is memory:// with {workers} web workers: every worker would "
        "count the login and booking limits on its own. Set RATELIMIT_STORAGE_URI to a shared "
        "store (redis://host:6379/0), or, on a single node that accepts a budget per worker, "
        "RATELIMIT_SINGLE_NODE=1 (or WEB_CONCURRENCY=1)."
    )


# Flask-Limiter's Redis stores (redis://, rediss://, redis+unix://, redis+sentinel://,
# redis+cluster://) and the per-process one; others would need a client not installed
_STORES = ("memory://", "redis://", "rediss://", "redis+")


def _ratelimit_storage_uri(raw: str) -> str:
    """Flask-Limiter would fail only at the first limited request; say it at start instead."""
    uri = raw.strip() or "memory://"
    if not uri.startswith(_STORES):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI must be redis://host:port/db (shared by every web process) "
            f"or memory:// (per process), not {uri.split('@')[-1]!r}"
        )
    return uri


_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def _yes_or_no(name: str, environ: Mapping[str, str]) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw not in _YES + _NO:
        raise ConfigError(f"{name} must be 1 (yes) or 0 (no), not {raw!r}")
    return raw in _YES


def _data_keys(
    name: str, environ: Mapping[str, str], env: str, instance: Path, kept_in: str
) -> tuple[str, ...]:
    """Keys newest first (the data keys, the hash keys); outside production a key is
    generated once and kept in instance/ (`kept_in`)."""
    from hotline.crypto import InvalidDataKey, generate_key, validate_keys

    raw = environ.get(name, "")
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    if not keys and env != "production":
        keys = (_instance_secret(instance, kept_in, generate_key),)
    try:
        validate_keys(keys)
    except InvalidDataKey as error:
        raise ConfigError(f"{name}: {error}") from error
    return keys


def _hash_keys(
    environ: Mapping[str, str], env: str, instance: Path, data_keys: tuple[str, ...]
) -> tuple[str, ...]:
    """HOTLINE_HASH_KEY, the keys of the line protection's keyed hashes. A production that
    does not set it (the four secrets CONTRACT.md names are all it must have) gets one hash
    key derived from each data key (HKDF, never the data key itself), rotating with them;
    setting HOTLINE_HASH_KEY lets them rotate apart."""
    if environ.get("HOTLINE_HASH_KEY", "").strip() or env != "production":
        return _data_keys("HOTLINE_HASH_KEY", environ, env, instance, "hash.key")
    from hotline.crypto import derived_key

    return tuple(derived_key(key, HASH_KEY_PURPOSE) for key in data_keys)


HASH_KEY_PURPOSE = b"starke Stelle: keyed hashes of numbers and addresses"


def _instance_secret(
    instance: Path, name: str, generate: Callable[[], str] = lambda: secrets.token_urlsafe(32)
) -> str:
    """A development secret generated once and kept in instance/ (mode 0600), so that every
    worker process and every restart uses the same one (sessions, CSRF tokens, stored data).

    Created atomically: of two workers starting at once, both read the one that was written.
    """
    path = instance / name
    instance.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(generate() + "\n")
    for _ in range(50):  # another process may have created it a moment ago, still empty
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise ConfigError(f"{path} is empty: delete it to have a new one generated")


def _check_public_base_url(raw: str) -> None:
    """Signatures are validated against this URL: a wrong one makes every call fail with 403."""
    if not raw:
        return
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"PUBLIC_BASE_URL must be the address Twilio calls, like https://hotline.example.org "
            f"(scheme and host, optionally a path prefix, no query): not {raw!r}"
        )


def _imprint_url(raw: str) -> str | None:
    """The Impressum lives on the organisation's own site; the footer links to it."""
    url = raw.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"IMPRINT_URL must be a web address like https://www.starkestelle.de/impressum, "
            f"not {url!r}"
        )
    return url


MIN_METRICS_TOKEN = 16


def _metrics_token(raw: str) -> str | None:
    """A guessable token would show the line's figures to anyone who tries."""
    token = raw.strip()
    if not token:
        return None
    if len(token) < MIN_METRICS_TOKEN or not token.isascii() or not token.isprintable():
        raise ConfigError(
            f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} printable ASCII characters "
            "(`hotline keygen` prints a good one)"
        )
    return token


def _address(raw: str) -> tuple[str, int] | None:
    """SCHEDULER_METRICS_ADDRESS: host:port on an internal interface (127.0.0.1:9101)."""
    raw = raw.strip()
    if not raw:
        return None
    host, _, port = raw.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"SCHEDULER_METRICS_ADDRESS must be host:port, such as 127.0.0.1:9101, not {raw!r}"
        )
    return host, int(port)


def _twilio_place(name: str, raw: str) -> str | None:
    """A Twilio region (`ie1`, `au1`, `us1`) or edge (`dublin`, `frankfurt`): one lower-case
    word, as it becomes part of the API's host name (api.<edge>.<region>.twilio.com)."""
    value = raw.strip().lower()
    if not value:
        return None
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,30}", value):
        raise ConfigError(
            f"{name} must be a Twilio region or edge such as ie1 or dublin, not {raw.strip()!r}"
        )
    return value


def _trusted_proxies(raw: str) -> int:
    raw = raw.strip() or "0"
    if not raw.isascii() or not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"TRUSTED_PROXIES must be a number of proxies from 0 to 5, not {raw!r}")
    return int(raw)


def _video_template(raw: str) -> str:
    template = raw.strip() or DEFAULT_VIDEO_URL_TEMPLATE
    if "{room}" not in template:
        raise ConfigError(
            "VIDEO_URL_TEMPLATE must contain {room}, e.g. " + DEFAULT_VIDEO_URL_TEMPLATE
        )
    return template


def _file_config(path: str) -> Mapping[str, Any]:
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ConfigError(f"HOTLINE_CONFIG: file {path!r} does not exist") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"HOTLINE_CONFIG: {path!r} is not valid TOML: {error}") from error
