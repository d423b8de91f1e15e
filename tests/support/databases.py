"""Test databases: SQLite files copied from a migrated template, PostgreSQL truncated per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from hotline import migrate
from hotline.db import make_engine
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


def truncate_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(table.name for table in metadata().sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"
