"""Re-encrypting stored personal data with the newest key, after a new key was prepended.

Works column by column in batches, each batch its own transaction, so a rotation of a large
database never holds long locks and can be stopped and started again: values sealed with the
newest key already are recognised by their key id and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, bindparam, select, update

from hotline.crypto import DataCipher, UndecryptableValue
from hotline.db import Database

DEFAULT_BATCH_SIZE = 500


@dataclass
class ColumnRotation:
    """What one column's rotation found: values re-encrypted, current already, unreadable."""

    column: str
    rotated: int = 0
    current: int = 0
    unreadable: int = 0


def rotate_keys(
    database: Database,
    cipher: DataCipher,
    columns: Sequence[Column],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[ColumnRotation], None] | None = None,
) -> list[ColumnRotation]:
    """Re-encrypt every value of `columns` that the newest key did not seal."""
    return [_rotate_column(database, cipher, column, batch_size, on_batch) for column in columns]


def _rotate_column(
    database: Database,
    cipher: DataCipher,
    column: Column,
    batch_size: int,
    on_batch: Callable[[ColumnRotation], None] | None,
) -> ColumnRotation:
    table = column.table
    (key,) = table.primary_key.columns
    report = ColumnRotation(f"{table.name}.{column.name}")
    rewrite = (
        update(table)
        .where(key == bindparam("row_key"))
        .values({column.name: bindparam("new_value")})
    )
    last_key = None
    while True:
        with database.transaction() as session:
            query = select(key, column).where(column.is_not(None)).order_by(key).limit(batch_size)
            if last_key is not None:
                query = query.where(key > last_key)
            rows = session.execute(query).all()
            if not rows:
                return report
            changes = []
            for row_key, token in rows:
                if cipher.is_current(token):
                    report.current += 1
                    continue
                try:
                    changes.append({"row_key": row_key, "new_value": cipher.rotate(token)})
                except UndecryptableValue:
                    report.unreadable += 1
            if changes:
                session.connection().execute(rewrite, changes)
            report.rotated += len(changes)
            last_key = rows[-1][0]
        if on_batch is not None:
            on_batch(report)
