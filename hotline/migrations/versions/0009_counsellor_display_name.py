"""counsellor display name: how a counsellor appears to officials in invitations

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: a counsellor without one appears by the first word of their name, so the
    # counsellors already stored need no value here.
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("display_name")
