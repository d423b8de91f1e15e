"""Alembic environment: runs migrations on the connection `hotline.migrate` hands over."""

from __future__ import annotations

from alembic import context

from hotline import models  # noqa: F401 - registers the tables on Base.metadata
from hotline.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hotline db upgrade`, which provides the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
