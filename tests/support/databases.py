"""Test databases: SQLite files copied from a migrated template, PostgreSQL truncated per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from hotline import migrate
from hotline.db import Role, make_engine
from hotline.schema import metadata


def migrated_sqlite_template(directory: Path) -> Path:
    template = directory / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    migrate.upgrade(engine)
    engine.dispose()
    return template


def fresh_sqlite(template: Path, directory: Path) -> str:
    target = directory / "hotline.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def reset_postgres_schema(url: str) -> None:
    """Drop everything and migrate from scratch once per test session (tests the migrations)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()


# TRUNCATE takes every table's exclusive lock. It may have to wait for autovacuum, which
# gives way only after deadlock_timeout (1 s) per table, so a loaded machine can need a few
# seconds: more than the web role's statement timeout (3 s, which once failed a CI run here),
# far less than this. A connection a test left open in a transaction shows up as a timeout
# naming it.
TRUNCATE_LOCK_WAIT = "30s"


def truncate_postgres(url: str) -> None:
    engine = make_engine(url, Role.CLI)
    tables = ", ".join(table.name for table in metadata().sorted_tables)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"SET LOCAL lock_timeout = '{TRUNCATE_LOCK_WAIT}'"))
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    except OperationalError as error:
        raise RuntimeError(f"cannot empty the test database; open: {_others(engine)}") from error
    finally:
        engine.dispose()


def _others(engine: Engine) -> list[tuple[object, ...]]:
    """The other sessions on the test database that are not idle: who held the locks."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT pid, state, backend_type, left(query, 200) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state IS DISTINCT FROM 'idle'"
            )
        )
        return [tuple(row) for row in rows]


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"
