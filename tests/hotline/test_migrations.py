"""Schema changes go through Alembic: the migrations build exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from hotline import migrate
from hotline.schema import metadata


def test_migrated_schema_matches_the_models(svc):
    with svc.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []
    assert migrate.current_revision(svc.database.engine) == migrate.head_revision()


def test_downgrade_to_nothing_and_back(svc):
    engine = svc.database.engine
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert {"cases", "calls", "webhook_events", "counsellors", "hours_overrides"} <= set(
        inspect(engine).get_table_names()
    )
    assert {"work_items", "scheduler_nodes", "scheduler_lease", "scheduler_jobs"} <= set(
        inspect(engine).get_table_names()
    )
