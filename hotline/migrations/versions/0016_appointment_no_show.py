"""an appointment the official did not come to: marked in the console, counted in the
statistics

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 20:00:00.000000

`appointments.no_show_at` is when a counsellor or admin marked it (who did is in the audit
log). A booked appointment keeps its state: its time was held and is over; the mark only says
that nobody came. Existing appointments have none.
"""

import sqlalchemy as sa
from alembic import op

from hotline.db import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.add_column(sa.Column("no_show_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.drop_column("no_show_at")
