"""a real queue: wrap-up after a call, callbacks that keep their place in line, a counsellor
offered the same caller again after a repass but never two callers at once

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_OPEN = sa.text("state IN ('planned', 'ringing', 'answered')")


def upgrade() -> None:
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wrap_up_until", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("line_since", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
    # Offers still open from before (a running call during the upgrade) other than each
    # counsellor's newest are ended, so that the index below can hold.
    op.execute(
        sa.text(
            "UPDATE call_offers SET state = 'ended' "
            "WHERE state IN ('planned', 'ringing', 'answered') AND id NOT IN ("
            " SELECT MAX(id) FROM call_offers"
            " WHERE state IN ('planned', 'ringing', 'answered') GROUP BY counsellor_id)"
        )
    )
    with op.batch_alter_table("call_offers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_call_offers_call_sid_counsellor_id", type_="unique")
        batch_op.create_index(
            "uq_call_offers_one_open_per_counsellor",
            ["counsellor_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )


def downgrade() -> None:
    # the offers made again after a repass would break the old constraint: only the first
    # offer of each caller to each counsellor is kept
    op.execute(
        sa.text(
            "DELETE FROM call_offers WHERE id NOT IN ("
            " SELECT MIN(id) FROM call_offers GROUP BY call_sid, counsellor_id)"
        )
    )
    with op.batch_alter_table("call_offers", schema=None) as batch_op:
        batch_op.drop_index("uq_call_offers_one_open_per_counsellor")
        batch_op.create_unique_constraint(
            "uq_call_offers_call_sid_counsellor_id", ["call_sid", "counsellor_id"]
        )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_column("line_since")
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("wrap_up_until")
