"""The app a benchmark drives in its own process: the real `create_app` on a migrated
database, with the settings every benchmark shares, and the counsellors it needs.

One place for the set-up, so that the benchmarks measure the same service: each names only
what differs (its clock, its hours, a fake Twilio server to talk to).
"""

from __future__ import annotations

import io
import secrets
from contextlib import redirect_stderr
from datetime import datetime
from pathlib import Path

from flask import Flask

from hotline import migrate
from hotline.app import create_app
from hotline.clock import Clock
from hotline.config import load_settings
from hotline.counsellors.service import add_counsellor
from hotline.crypto import generate_key
from hotline.services import services

PUBLIC_BASE_URL = "https://hotline.example.org"
TOKEN = "bench-" + secrets.token_hex(8)  # Twilio's auth token: the benchmarks sign with it

# open around the clock (but for the last minute), so that app and scheduler run on real time
ALWAYS_OPEN = """
[hours]
timezone = "UTC"
holiday_region = ""
closures = []
[hours.weekly]
mon = ["00:00-23:59"]
tue = ["00:00-23:59"]
wed = ["00:00-23:59"]
thu = ["00:00-23:59"]
fri = ["00:00-23:59"]
sat = ["00:00-23:59"]
sun = ["00:00-23:59"]
"""


def environment(
    url: str,
    folder: Path,
    *,
    config: str = "",
    key: str | None = None,
    twilio_url: str = "",
    **extra: str,
) -> dict[str, str]:
    """What the service reads from its environment, for a benchmark: `config` is the TOML of
    HOTLINE_CONFIG (none: the defaults), `twilio_url` the fake Twilio server's."""
    config_path = ""
    if config:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "hotline.toml").write_text(config)
        config_path = str(folder / "hotline.toml")
    return {
        "HOTLINE_ENV": "testing",
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_BASE_URL": twilio_url,
        "HOTLINE_DATA_KEY": key or generate_key(),
        "SECRET_KEY": "bench",
        "HOTLINE_INSTANCE_PATH": str(folder / "app"),
        "HOTLINE_CONFIG": config_path,
        **extra,
    }


def migrated_app(env: dict[str, str], clock: Clock | None, log_level: str | None = None) -> Flask:
    """The app on a database migrated to the newest schema; its start-up lines not printed."""
    with redirect_stderr(io.StringIO()):
        settings = load_settings(env, instance_path=Path(env["HOTLINE_INSTANCE_PATH"]))
        options = {"log_level": log_level} if log_level else {}
        app = create_app(settings, clock=clock, **options)
        migrate.upgrade(services(app).database.engine)
    return app


def add_counsellors(app: Flask, count: int, now: datetime | None = None) -> list[int]:
    """`count` counsellors on duty, "Bench 0", "Bench 1", ...; their ids."""
    svc = services(app)
    at = now or svc.clock.now()
    with svc.database.transaction() as session:
        return [
            add_counsellor(
                session, f"Bench {n}", f"+49 228 55{n:05d}", svc.cipher, at, on_duty=True
            ).id
            for n in range(count)
        ]
