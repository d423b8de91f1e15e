"""The backup the README schedules, restored as the README says (issue 28, item 5).

`pg_dump --format=custom` of a database holding what the service keeps (a counsellor's
number and a callback's, encrypted; a booked appointment; a case), restored into an empty
database with `pg_restore --no-owner`: the same rows in every table, the numbers readable
with the data key (which is not in the dump), the booking's manage link working. A dump of
an older schema restored and brought to head with `hotline db upgrade` keeps its data.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, make_url, select

from hotline import migrate
from hotline.app import create_app
from hotline.callbacks.models import Callback, CallbackState
from hotline.cli import main
from hotline.config import load_settings
from hotline.counsellors.models import Counsellor
from hotline.db import make_engine
from hotline.schema import metadata
from hotline.services import services
from tests.support.appointments import book, free_slots, local_path
from tests.support.databases import is_postgres

OLDER_REVISION = "0018"  # a dump taken before the last two migrations
JSON = {"Accept": "application/json"}


def libpq(url: str) -> str:
    """The SQLAlchemy URL as the PostgreSQL tools take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command[0]}: {result.stdout}{result.stderr}"


@contextmanager
def empty_database(url: str) -> Iterator[str]:
    """A new, empty database beside the test database (`createdb`), dropped afterwards."""
    name = f"hotline_restore_{uuid.uuid4().hex[:12]}"
    target = make_url(url).set(database=name)
    server = libpq(str(make_url(url).set(database="postgres")))
    run("psql", server, "-c", f'CREATE DATABASE "{name}"')
    try:
        yield target.render_as_string(hide_password=False)
    finally:
        run("psql", server, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dump(url: str, file: Path) -> None:
    """As the README's nightly cron line does it."""
    run("pg_dump", "--format=custom", f"--file={file}", libpq(url))


def restore(file: Path, url: str) -> None:
    """As the README says (without `--role`: the tests own their databases)."""
    run("pg_restore", "--no-owner", f"--dbname={libpq(url)}", str(file))


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.scalar(select(func.count()).select_from(table))
                for table in metadata().sorted_tables
            }
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture
def postgres_only(database_url: str) -> str:
    if not is_postgres(database_url):
        pytest.skip("pg_dump and pg_restore back up PostgreSQL, the production database")
    return database_url


@pytest.fixture
def holding_data(postgres_only, client, svc, create_counsellor, factories) -> dict:
    """What a day of service leaves: a counsellor, a booked video call, a callback."""
    create_counsellor("Anna", phone="+49 228 1234567")
    answer = book(client, free_slots(client)[0]["start"])
    assert answer.status_code == 201, answer.get_data(as_text=True)
    case = factories.case()
    factories.callbacks(case.id, CallbackState.BOOKED)
    return answer.json


def test_a_nightly_dump_restored_into_an_empty_database_holds_everything(
    holding_data, postgres_only, environment, tmp_path, clock
):
    file = tmp_path / "hotline.dump"
    dump(postgres_only, file)
    with empty_database(postgres_only) as copy:
        restore(file, copy)

        assert row_counts(copy) == row_counts(postgres_only)
        assert revision(copy) == migrate.head_revision()
        app = create_app(
            load_settings({**environment, "DATABASE_URL": copy}, instance_path=tmp_path / "r"),
            clock=clock,
        )
        svc = services(app)
        try:
            with svc.database.transaction() as session:  # the data key reads the copies
                (anna,) = session.scalars(select(Counsellor))
                assert svc.cipher.decrypt(anna.phone_encrypted) == "+492281234567"
                (callback,) = session.scalars(select(Callback))
                assert svc.cipher.decrypt(callback.number_encrypted) == "+4922812345678"
            shown = app.test_client().get(local_path(holding_data["manage_url"]), headers=JSON)
            assert shown.status_code == 200
            assert shown.json["case_reference"] == holding_data["case_reference"]
        finally:
            svc.database.dispose()


def test_an_older_dump_restored_is_brought_to_the_code_s_schema_by_db_upgrade(
    holding_data, postgres_only, cli_environment, tmp_path
):
    old_file, file = tmp_path / "old.dump", tmp_path / "hotline.dump"
    dump(postgres_only, file)
    with empty_database(postgres_only) as older:
        restore(file, older)
        engine = make_engine(older)
        migrate.downgrade(engine, OLDER_REVISION)  # as the database was two releases ago
        engine.dispose()
        dump(older, old_file)
    with empty_database(postgres_only) as copy:
        restore(old_file, copy)
        assert revision(copy) == OLDER_REVISION

        result = CliRunner().invoke(
            main, ["db", "upgrade"], env={**cli_environment, "DATABASE_URL": copy}
        )

        assert result.exit_code == 0, result.output
        assert migrate.head_revision() in result.output
        assert revision(copy) == migrate.head_revision()
        counts = row_counts(copy)
        assert counts["appointments"] == counts["counsellors"] == counts["callbacks"] == 1
        assert counts["cases"] == 2
