"""callback manage links: the digest of the secret in a web-booked callback's link

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 16:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: callbacks booked on the phone, and those booked online before this revision,
    # have no manage link (their bookers were never given one).
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_digest", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_callbacks_token_digest"), ["token_digest"])


def downgrade() -> None:
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_callbacks_token_digest"), type_="unique")
        batch_op.drop_column("token_digest")
