"""the audit log and why a counsellor is off duty stored as messages and parameters; their
sentences are made when shown

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-16 10:00:00.000000

Until 0015 two columns held German sentences written when something happened: the audit log's
`detail` ("Konto 3 angelegt (admin)", a case change in its timeline's words) and a
counsellor's `off_duty_reason` ("3 angebotene Anrufe nacheinander nicht angenommen (…)"). A
wording could not be fixed for the past, and retention would have had to scrub prose. From
0015 an audit entry holds its `message` and `params` (JSON; `hotline.audit.wording`) and a
counsellor its `off_duty_code` and `off_duty_params` (`hotline.counsellors.wording`); the
console and the CLI make the sentences from the catalog (`hotline/texts/`).

A row written before keeps its sentence: the message (or code) `recorded` with the sentence as
the parameter `text`, shown as it is. An audit entry without a detail ("") gets no message
(NULL), as entries are written now. Then the columns of sentences are dropped, in the same
transaction.

A downgrade writes each row's sentence back, as the console shows it at the time of the
downgrade (an audit entry without a message: "").
"""

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from hotline.audit.wording import audit_text
from hotline.counsellors.wording import off_duty_text

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

RECORDED = "recorded"  # the message or code of a sentence stored before 0015
TEXT = "text"  # its parameter: the sentence as it was written
_PARAMS_TYPE = sa.JSON(none_as_null=True)
_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("detail", sa.String),
    sa.column("message", sa.String),
    sa.column("params", _PARAMS_TYPE),
)
_COUNSELLORS = sa.table(
    "counsellors",
    sa.column("id", sa.Integer),
    sa.column("off_duty_reason", sa.String),
    sa.column("off_duty_code", sa.String),
    sa.column("off_duty_params", _PARAMS_TYPE),
)
BATCH = 1000  # rows read and written at a time: a long audit log never sits in memory


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("params", _PARAMS_TYPE, nullable=True))
    said = sa.select(_AUDIT.c.id, _AUDIT.c.detail).where(_AUDIT.c.detail != "")
    for rows in _batches(_AUDIT, said):
        _write(
            (_AUDIT.c.message, _AUDIT.c.params),
            [(row.id, RECORDED, {TEXT: row.detail}) for row in rows],
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("detail")

    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("off_duty_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("off_duty_params", _PARAMS_TYPE, nullable=True))
    reason = _COUNSELLORS.c.off_duty_reason
    stored = sa.select(_COUNSELLORS.c.id, reason).where(reason.is_not(None))
    for rows in _batches(_COUNSELLORS, stored):
        _write(
            (_COUNSELLORS.c.off_duty_code, _COUNSELLORS.c.off_duty_params),
            [(row.id, RECORDED, {TEXT: row.off_duty_reason}) for row in rows],
        )
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("off_duty_reason")


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=300), nullable=True))
    every = sa.select(_AUDIT.c.id, _AUDIT.c.message, _AUDIT.c.params)
    for rows in _batches(_AUDIT, every):
        _write((_AUDIT.c.detail,), [(row.id, _audit_sentence(row)[:300]) for row in rows])
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("detail", existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("message")

    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("off_duty_reason", sa.String(length=200), nullable=True))
    code, params = _COUNSELLORS.c.off_duty_code, _COUNSELLORS.c.off_duty_params
    stored = sa.select(_COUNSELLORS.c.id, code, params).where(code.is_not(None))
    for rows in _batches(_COUNSELLORS, stored):
        _write(
            (_COUNSELLORS.c.off_duty_reason,),
            [
                (row.id, off_duty_text(row.off_duty_code, row.off_duty_params or {})[:200])
                for row in rows
            ],
        )
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("off_duty_params")
        batch_op.drop_column("off_duty_code")


def _audit_sentence(row: sa.Row) -> str:
    """An audit entry's sentence ("" without a message: the action said it all)."""
    return "" if row.message is None else audit_text(row.message, row.params or {})


def _batches(table: sa.TableClause, query: sa.Select) -> Iterator[Sequence[sa.Row]]:
    """The rows of `query` in order of their id, `BATCH` at a time."""
    connection, last = op.get_bind(), 0
    while rows := connection.execute(
        query.where(table.c.id > last).order_by(table.c.id).limit(BATCH)
    ).all():
        yield rows
        last = rows[-1].id


def _write(columns: Sequence[sa.ColumnClause], values: list[tuple[object, ...]]) -> None:
    """Set `columns` of each (id, value, …) to its values, in one executemany."""
    table = columns[0].table
    op.get_bind().execute(
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({c.name: sa.bindparam(f"new_{c.name}", type_=c.type) for c in columns}),
        [
            {"row_id": row[0]}
            | {f"new_{c.name}": value for c, value in zip(columns, row[1:], strict=True)}
            for row in values
        ],
    )
