"""Every table of the service, gathered from the domains that own them.

Models live with their domain (`hotline.cases.models`, `scheduling.hours.models`, ...); this
is the one place that imports them all, for Alembic and for the app. Like `create_app` and the
CLI it is a composition root, so it may import the outer packages.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Column, MetaData

from hotline.db import Base, is_encrypted


@cache
def metadata() -> MetaData:
    """The metadata with every model registered (importing a models module registers it)."""
    import scheduling.hours.models  # noqa: F401

    return Base.metadata


def encrypted_columns() -> list[Column]:
    """Every column holding personal data encrypted at rest (marked with `db.encrypted()`)."""
    return [
        column
        for table in metadata().sorted_tables
        for column in table.columns
        if is_encrypted(column)
    ]
