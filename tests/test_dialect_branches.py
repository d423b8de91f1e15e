"""No code outside `hotline.database_kinds` asks which database it runs on: what differs
between PostgreSQL and SQLite is asked of the database's kind, chosen once per engine."""

from __future__ import annotations

import pytest

from tests.support.dialect_branches import branches, branches_in


def test_no_module_outside_the_kinds_tells_the_databases_apart():
    assert [str(branch) for branch in branches()] == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("hotline.outbox.queue", 'if session.get_bind().dialect.name == "postgresql":\n    pass'),
        ("scheduling.scheduler.wakers", "kind = database.engine.dialect.name"),
        ("hotline.db", "def f(value, dialect):\n    return dialect.name"),
        ("hotline.config", "backend = make_url(url).get_backend_name()"),
        ("hotline.reports.waits", 'sqlite = name != "sqlite"'),
        ("web.health", 'if name in ("postgresql", "mysql"):\n    pass'),
        ("hotline.reports.waits", "from sqlalchemy.dialects.postgresql import array"),
        ("hotline.cli.simulation_database", "from sqlalchemy.dialects import sqlite"),
        ("hotline.cases.service", "import sqlalchemy.dialects.sqlite"),
        ("hotline.migrations.env", 'batch = connection.dialect.name == "sqlite"'),
    ],
)
def test_a_branch_on_the_database_is_reported(module, source):
    assert branches_in(module, source)


def test_the_kinds_themselves_may_name_their_database():
    source = 'from sqlalchemy.dialects import sqlite\nif dialect.name == "sqlite":\n    pass'
    assert branches_in("hotline.database_kinds.sqlite", source) == []
    assert branches_in("hotline.database_kinds", source) == []


def test_what_only_mentions_a_database_is_no_branch():
    source = (
        '"""PostgreSQL: an advisory lock; SQLite: a lease row."""\n'
        "Index('ix', sqlite_where=OPEN, postgresql_where=OPEN)\n"
        'url = f"sqlite:///{path}"\n'
        "args = engine.dialect.create_connect_args(engine.url)\n"
    )
    assert branches_in("hotline.routing.models", source) == []


def test_the_migrations_versions_are_history_and_not_scanned():
    source = 'if op.get_bind().dialect.name == "postgresql":\n    pass'
    assert branches_in("hotline.migrations.versions.0013_queue", source) == []
