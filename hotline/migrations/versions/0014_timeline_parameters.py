"""a case's timeline stored as kinds and parameters; its sentences are made when shown

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-14 10:00:00.000000

Until 0014 each timeline entry held its sentence (`text`), written when it happened, so a
wording could not be fixed for the past and the retention sweep had to scrub prose. From 0014
an entry holds its parameters (`params`, JSON) and the console makes the sentence from the
catalog (`hotline/texts/timeline.toml`). An entry written before keeps its sentence as the
parameter `legacy_text`, shown as it is; an entry the retention sweep had emptied ("") gets
none (NULL), as the sweep leaves entries now. Then `text` is dropped, in the same
transaction: no prose is left behind for retention to find.

A downgrade writes each entry's sentence back into `text`, as the console shows it at the time
of the downgrade (an anonymised entry: "").
"""

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from hotline.cases.event_texts import LEGACY_TEXT, event_text

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_PARAMS_TYPE = sa.JSON(none_as_null=True)
_EVENTS = sa.table(
    "case_events",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("text", sa.String),
    sa.column("params", _PARAMS_TYPE),
)
BATCH = 1000  # rows read and written at a time: a long timeline table never sits in memory


def upgrade() -> None:
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", _PARAMS_TYPE, nullable=True))
    kept = _EVENTS.c.text != ""
    for rows in _batches(sa.select(_EVENTS.c.id, _EVENTS.c.text).where(kept)):
        _write(_EVENTS.c.params, [(row.id, {LEGACY_TEXT: row.text}) for row in rows])
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_column("text")


def downgrade() -> None:
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.String(length=500), nullable=True))
    every = sa.select(_EVENTS.c.id, _EVENTS.c.kind, _EVENTS.c.params)
    for rows in _batches(every):
        _write(_EVENTS.c.text, [(row.id, event_text(row.kind, row.params)[:500]) for row in rows])
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.String(length=500), nullable=False)
        batch_op.drop_column("params")


def _batches(query: sa.Select) -> Iterator[Sequence[sa.Row]]:
    """The rows of `query` in order of their id, `BATCH` at a time."""
    connection, last = op.get_bind(), 0
    while rows := connection.execute(
        query.where(_EVENTS.c.id > last).order_by(_EVENTS.c.id).limit(BATCH)
    ).all():
        yield rows
        last = rows[-1].id


def _write(column: sa.ColumnClause, values: list[tuple[int, object]]) -> None:
    """Set `column` of each (id, value) in one executemany."""
    op.get_bind().execute(
        _EVENTS.update()
        .where(_EVENTS.c.id == sa.bindparam("event_id"))
        .values({column.name: sa.bindparam("value", type_=column.type)}),
        [{"event_id": event_id, "value": value} for event_id, value in values],
    )
