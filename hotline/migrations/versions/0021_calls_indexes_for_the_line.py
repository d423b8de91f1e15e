"""indexes on calls for what is read all the time: the line, who talks, today's calls

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 02:00:00.000000

The line (every routing decision, every wait round, the console's *Heute*, every scrape of
`/metrics`) asked for the callers waiting and the counsellors talking by scanning every call
ever kept; a day's calls by outcome read each call's row. Partial indexes hold only the few
calls waiting or talking; `(started_at, direction, outcome)` counts a day's calls from the
index alone; `started_at` of the calls that joined the line gives the service level's
counts. Indexes only: no row changes, and a downgrade drops them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

WAITING = sa.text(
    "queued_at IS NOT NULL AND connected_at IS NULL AND queue_left_at IS NULL AND ended_at IS NULL"
)
TALKING = sa.text("counsellor_id IS NOT NULL AND connected_at IS NOT NULL AND ended_at IS NULL")
QUEUED = sa.text("queued_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_calls_waiting", "calls", ["queued_at"], sqlite_where=WAITING, postgresql_where=WAITING
    )
    op.create_index(
        "ix_calls_talking",
        "calls",
        ["counsellor_id"],
        sqlite_where=TALKING,
        postgresql_where=TALKING,
    )
    op.create_index("ix_calls_day_outcome", "calls", ["started_at", "direction", "outcome"])
    op.create_index(
        "ix_calls_queued_started",
        "calls",
        ["started_at"],
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )


def downgrade() -> None:
    for name in (
        "ix_calls_queued_started",
        "ix_calls_day_outcome",
        "ix_calls_talking",
        "ix_calls_waiting",
    ):
        op.drop_index(name, table_name="calls")
