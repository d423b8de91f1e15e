"""The `hotline` command run as operators run it, against the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotline.cli import main
from tests.support.twilio import AUTH_TOKEN, DATA_KEY


@pytest.fixture
def cli_environment(database_url, tmp_path) -> dict[str, str]:
    """What an operator's shell would set for development against the test database."""
    return {
        "HOTLINE_ENV": "development",
        "DATABASE_URL": database_url,
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "HOTLINE_DATA_KEY": DATA_KEY,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_API_BASE_URL": "",
        "HOTLINE_CONFIG": "",
        "PUBLIC_BASE_URL": "",
    }


@pytest.fixture
def hotline(cli_environment):
    """Run `hotline ...` with the test database; returns the click Result."""

    def run(*args: str, input: str | None = None, catch_exceptions: bool = False, **overrides: str):
        return CliRunner().invoke(
            main,
            list(args),
            env={**cli_environment, **overrides},
            input=input,
            catch_exceptions=catch_exceptions,
        )

    return run


class CliDatabase:
    """Rows written straight into the CLI's database, for states the CLI cannot create."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def add_counsellor_with_token(self, name: str, token: bytes) -> None:
        from datetime import UTC, datetime

        from hotline.counsellors.models import Counsellor
        from hotline.db import Database
        from hotline.schema import metadata

        metadata()
        database = Database(self.database_url)
        now = datetime.now(UTC)
        with database.transaction() as session:
            session.add(
                Counsellor(
                    name=name, phone_encrypted=token, on_duty=True, created_at=now, updated_at=now
                )
            )
        database.dispose()


@pytest.fixture
def svc_for_cli(database_url):
    return CliDatabase(database_url)
