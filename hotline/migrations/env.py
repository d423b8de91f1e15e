"""Alembic environment: runs migrations on the connection `hotline.migrate` hands over."""

from __future__ import annotations

from alembic import context

from hotline.database_kinds import kind_of
from hotline.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hotline db upgrade`, which provides the connection")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=kind_of(connection).alters_tables_by_copying,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
