"""hours overrides: an internal note (never spoken) and an optional announcement callers hear

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00.000000

Until this revision an override had one text, `reason`, and the phone line read it to every
caller while the line was closed, whereas the console labelled it "Anrufende hören ihn nicht".
So a reason stored so far may be either: words meant for callers (typed at `hotline hours set`,
whose help said they are spoken) or words meant for colleagues only (typed in the console,
"Interne Besprechung", someone's illness). Nothing tells the two apart.

Every stored reason therefore becomes the override's internal *note*, and no override gets an
*announcement*. That is the safe side for callers: without an announcement they still hear
that the line is not staffed right now, when it opens again, the e-mail address and 110 —
they lose at most a detail; the other way round, an internal note would go on being read to
strangers. An override that should be announced is set again with `--announcement` (or in the
console); overrides last a day or some weeks, so this touches few.

The downgrade hands the old code, which speaks `reason`, only what callers may hear: the
announcement, or an empty reason where there is none; the internal notes are dropped with it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_OVERRIDES = sa.table(
    "hours_overrides",
    sa.column("note", sa.String),
    sa.column("announcement", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            new_column_name="note",
            existing_type=sa.String(length=200),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("announcement", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.execute(
        _OVERRIDES.update().values(note=sa.func.coalesce(_OVERRIDES.c.announcement, sa.literal("")))
    )
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.drop_column("announcement")
        batch_op.alter_column(
            "note",
            new_column_name="reason",
            existing_type=sa.String(length=200),
            existing_nullable=False,
        )
