"""calls out of hours that booked a callback: an outcome of their own, so that the statistics
count them out of hours; the daily rollup is summed up anew

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 12:00:00.000000

Until 0012 a callback booked from the closed menu replaced the call's outcome
"closed_informed" with "callback_requested", the outcome of a caller who chose a callback while
the line was open, and the statistics counted such calls under "Sonstige". Which of those
calls went through the closed menu is known for as long as the webhook log holds their steps
(`[retention] webhook_log_days`, 30 days by default): a delivery to the menu (`voice/closed`),
and no wait in the queue. Those calls get the new outcome "closed_callback_booked"; older ones
cannot be told from a callback booked because nobody was on duty and stay as they are.

The rollup keeps each day's calls per outcome as recorded: when a call's outcome changes here
(either way), it is dropped whole and the next run (`hotline statistics rollup`, or the
scheduler within a quarter of an hour) sums the days up anew from the calls; until then the
page counts them live. Both give the same figures.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_CALLS = sa.table(
    "calls",
    sa.column("call_sid", sa.String),
    sa.column("direction", sa.String),
    sa.column("outcome", sa.String),
    sa.column("queued_at", sa.DateTime),
)
_DELIVERIES = sa.table(
    "webhook_events", sa.column("call_sid", sa.String), sa.column("endpoint", sa.String)
)
CLOSED_MENU = "voice/closed"  # the endpoint the closed menu's keys are delivered to
OPEN, CLOSED = "callback_requested", "closed_callback_booked"
ROLLUP = ("stats_wait_months", "stats_wait_days", "stats_call_days", "stats_rolled_days")


def upgrade() -> None:
    heard_the_closed_menu = sa.exists().where(
        _DELIVERIES.c.call_sid == _CALLS.c.call_sid, _DELIVERIES.c.endpoint == CLOSED_MENU
    )
    changed = op.get_bind().execute(
        _CALLS.update()
        .where(
            _CALLS.c.direction == "inbound",
            _CALLS.c.outcome == OPEN,
            _CALLS.c.queued_at.is_(None),
            heard_the_closed_menu,
        )
        .values(outcome=CLOSED)
    )
    if changed.rowcount:
        _drop_the_rollup()


def downgrade() -> None:
    changed = op.get_bind().execute(
        _CALLS.update().where(_CALLS.c.outcome == CLOSED).values(outcome=OPEN)
    )
    if changed.rowcount:
        _drop_the_rollup()


def _drop_the_rollup() -> None:
    for table in ROLLUP:  # the months sum up the days: all of it, or the months count twice
        op.execute(sa.table(table).delete())
