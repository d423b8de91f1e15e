"""Configuration from environment variables, validated once at start.

Production refuses to start without its secrets; development and testing fill in safe local
defaults so that `make run` works on a fresh machine.
"""

from __future__ import annotations

import os
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
    "HOTLINE_HASH_KEY",
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
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    imprint_url: str | None = None  # the Impressum every public page links to (IMPRINT_URL)

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
    hash_keys = _data_keys("HOTLINE_HASH_KEY", environ, env, instance, "hash.key")
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
        ratelimit_storage_uri=environ.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://",
        trusted_proxies=_trusted_proxies(environ.get("TRUSTED_PROXIES", "")),
        imprint_url=_imprint_url(environ.get("IMPRINT_URL", "")),
    )


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
