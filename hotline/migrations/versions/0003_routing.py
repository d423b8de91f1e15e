"""routing: counsellor languages and passes, call queue times, call offers, canceled work

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 07:29:59.231531
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("leg_call_sid", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("pass_reason", sa.String(length=32), nullable=True),
        sa.Column("offered_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellors.id"],
            name=op.f("fk_call_offers_counsellor_id_counsellors"),
        ),
        sa.ForeignKeyConstraint(
            ["work_item_id"], ["work_items.id"], name=op.f("fk_call_offers_work_item_id_work_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_offers")),
        sa.UniqueConstraint(
            "call_sid", "counsellor_id", name=op.f("uq_call_offers_call_sid_counsellor_id")
        ),
    )
    with op.batch_alter_table("call_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_offers_call_sid"), ["call_sid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_call_offers_counsellor_id"), ["counsellor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_call_offers_leg_call_sid"), ["leg_call_sid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_call_offers_work_item_id"), ["work_item_id"], unique=False
        )

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_sid", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("queued_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("queue_left_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("connected_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("counsellor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_calls_counsellor_id"), ["counsellor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_counsellor_id_counsellors"),
            "counsellors",
            ["counsellor_id"],
            ["id"],
        )

    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("languages", sa.String(length=20), nullable=False, server_default="de")
        )
        batch_op.add_column(
            sa.Column("last_call_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("passes_in_a_row", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("off_duty_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_column("off_duty_reason")
        batch_op.drop_column("passes_in_a_row")
        batch_op.drop_column("last_call_at")
        batch_op.drop_column("languages")

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_calls_counsellor_id_counsellors"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_calls_counsellor_id"))
        batch_op.drop_column("counsellor_id")
        batch_op.drop_column("connected_at")
        batch_op.drop_column("queue_left_at")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("queue_sid")

    with op.batch_alter_table("call_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_offers_work_item_id"))
        batch_op.drop_index(batch_op.f("ix_call_offers_leg_call_sid"))
        batch_op.drop_index(batch_op.f("ix_call_offers_counsellor_id"))
        batch_op.drop_index(batch_op.f("ix_call_offers_call_sid"))

    op.drop_table("call_offers")
