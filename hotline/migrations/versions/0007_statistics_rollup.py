"""statistics rollup: finished days' call counts and wait histograms, and months'

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty at first: the scheduler's rollup job (or `hotline statistics rollup`) fills them,
    # and until then the statistics count every day live, as before.
    op.create_table(
        "stats_rolled_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rolled_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("waited", sa.Integer(), nullable=False),
        sa.Column("wait_median_seconds", sa.Float(), nullable=True),
        sa.Column("wait_p90_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_stats_rolled_days")),
    )
    op.create_table(
        "stats_call_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day"],
            ["stats_rolled_days.day"],
            name=op.f("fk_stats_call_days_day_stats_rolled_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "outcome", name=op.f("pk_stats_call_days")),
    )
    op.create_table(
        "stats_wait_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["day"],
            ["stats_rolled_days.day"],
            name=op.f("fk_stats_wait_days_day_stats_rolled_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "wait_seconds", name=op.f("pk_stats_wait_days")),
    )
    op.create_table(
        "stats_wait_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "wait_seconds", name=op.f("pk_stats_wait_months")),
    )


def downgrade() -> None:
    op.drop_table("stats_wait_months")
    op.drop_table("stats_wait_days")
    op.drop_table("stats_call_days")
    op.drop_table("stats_rolled_days")
