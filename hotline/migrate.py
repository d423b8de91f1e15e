"""Schema migrations with Alembic, run from the `hotline db` commands and the test fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from hotline.crypto import DataCipher
from hotline.database_kinds import kind_of


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("hotline") / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "head", *, cipher: DataCipher | None = None) -> None:
    """Migrate to `revision`. A migration that seals values written in clear before needs the
    `cipher` (from `hotline db upgrade`); without it, it stops and says so."""
    with _migrating(engine) as config:
        config.attributes["cipher"] = cipher
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _migrating(engine) as config:
        command.downgrade(config, revision)


class ForeignKeysBroken(RuntimeError):
    """A migration left rows pointing nowhere; it was rolled back."""


@contextmanager
def _migrating(engine: Engine) -> Iterator[Config]:
    """One transaction for the whole migration. On SQLite, altering a table referenced by
    others means copying it, which its foreign keys would refuse: they are switched off for
    the migration and checked before the commit (SQLite's documented way to alter a schema)."""
    config = alembic_config()
    with engine.connect() as connection:
        kind = kind_of(connection)
        with kind.foreign_keys_unchecked(connection), connection.begin():
            config.attributes["connection"] = connection
            yield config
            broken = kind.rows_pointing_nowhere(connection)
            if broken is not None:
                raise ForeignKeysBroken(f"rows pointing nowhere in {broken}")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def head_revision() -> str | None:
    """The newest migration shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_known_revision(revision: str) -> bool:
    """Whether this code ships the migration `revision` (a database migrated by newer code
    names one it does not)."""
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False
