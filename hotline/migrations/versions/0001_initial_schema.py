"""initial schema: cases, calls, webhook events, counsellors, hours overrides

Revision ID: 0001
Revises:
Create Date: 2026-11-26 00:14:50.186253
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    op.create_table(
        "counsellors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellors")),
        sa.UniqueConstraint("name", name=op.f("uq_counsellors_name")),
    )
    op.create_table(
        "hours_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("starts_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_overrides")),
    )
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hours_overrides_ends_at"), ["ends_at"], unique=False)

    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_key", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=120), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("received_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("response_type", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_webhook_events_delivery_key")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_events_call_sid"), ["call_sid"], unique=False)

    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("parent_call_sid", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("caller_number_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("caller_withheld", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("started_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("last_sequence_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_calls_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_calls_call_sid")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_calls_parent_call_sid"), ["parent_call_sid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_parent_call_sid"))
        batch_op.drop_index(batch_op.f("ix_calls_case_id"))

    op.drop_table("calls")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_call_sid"))

    op.drop_table("webhook_events")
    with op.batch_alter_table("hours_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hours_overrides_ends_at"))

    op.drop_table("hours_overrides")
    op.drop_table("counsellors")
    op.drop_table("cases")
