"""callbacks: availability windows and absences, callbacks and attempts, case events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 08:06:54.262349
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("slot_start", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("due_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("number_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("number_is_mobile", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_callbacks_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
        sa.UniqueConstraint("slot_start", "seat", name=op.f("uq_callbacks_slot_start_seat")),
    )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbacks_call_sid"), ["call_sid"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbacks_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbacks_due_at"), ["due_at"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "counsellor_absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellors.id"],
            name=op.f("fk_counsellor_absences_counsellor_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_absences")),
    )
    with op.batch_alter_table("counsellor_absences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counsellor_absences_counsellor_id"), ["counsellor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_counsellor_absences_last_day"), ["last_day"], unique=False
        )

    op.create_table(
        "counsellor_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellors.id"],
            name=op.f("fk_counsellor_windows_counsellor_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_windows")),
    )
    with op.batch_alter_table("counsellor_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counsellor_windows_counsellor_id"), ["counsellor_id"], unique=False
        )

    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=True),
        sa.Column("counsellor_rung_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("counsellors_tried", sa.String(length=200), nullable=False),
        sa.Column("ring_work_id", sa.Integer(), nullable=True),
        sa.Column("counsellor_leg_sid", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("ended_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["callback_id"],
            ["callbacks.id"],
            name=op.f("fk_callback_attempts_callback_id_callbacks"),
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellors.id"],
            name=op.f("fk_callback_attempts_counsellor_id_counsellors"),
        ),
        sa.ForeignKeyConstraint(
            ["ring_work_id"],
            ["work_items.id"],
            name=op.f("fk_callback_attempts_ring_work_id_work_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
        sa.UniqueConstraint(
            "callback_id", "number", name=op.f("uq_callback_attempts_callback_id_number")
        ),
    )
    with op.batch_alter_table("callback_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_attempts_callback_id"), ["callback_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_callback_attempts_counsellor_leg_sid"),
            ["counsellor_leg_sid"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("callback_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_attempts_counsellor_leg_sid"))
        batch_op.drop_index(batch_op.f("ix_callback_attempts_callback_id"))

    op.drop_table("callback_attempts")
    with op.batch_alter_table("counsellor_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counsellor_windows_counsellor_id"))

    op.drop_table("counsellor_windows")
    with op.batch_alter_table("counsellor_absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counsellor_absences_last_day"))
        batch_op.drop_index(batch_op.f("ix_counsellor_absences_counsellor_id"))

    op.drop_table("counsellor_absences")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callbacks_due_at"))
        batch_op.drop_index(batch_op.f("ix_callbacks_case_id"))
        batch_op.drop_index(batch_op.f("ix_callbacks_call_sid"))

    op.drop_table("callbacks")
