"""The `hotline` command run as operators run it, against the test database."""

from __future__ import annotations

import pytest


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
