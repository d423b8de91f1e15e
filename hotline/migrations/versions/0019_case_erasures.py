"""a case erased on request, four eyes: the erasure's record, the case's mark, and when
Twilio was asked to delete its record of a call

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-18 10:00:00.000000

`case_erasures` holds each erasure asked for (who, when, why), who confirmed it and how many
of Twilio's records it asked to be deleted; at most one is pending per case (a partial unique
index). `cases.erased_at` marks an erased case (its reference stays, nothing else).
`calls.twilio_deletion_at` is when Twilio was asked to delete its own record of the leg, so
that the retention sweep and an erasure ask once; calls stored before are asked for when their
contact period is over, as any other.

A downgrade drops the erasures' records (pending ones are lost: ask again after upgrading)
and the two columns; an erased case stays what the older code sees: a closed, anonymised case
without notes, calls or contact details. Upgrading again marks the calls an erasure made
anonymous (their SIDs were replaced) as asked for, so that no deletion of a SID Twilio never
gave is requested.
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ERASED_SID_PREFIX = "erased-"  # as hotline.retention.erasure replaces a call's SID


def upgrade() -> None:
    op.create_table(
        "case_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("twilio_records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_erasures_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"],
            ["staff_accounts.id"],
            name=op.f("fk_case_erasures_confirmed_by_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["staff_accounts.id"],
            name=op.f("fk_case_erasures_requested_by_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_erasures")),
    )
    with op.batch_alter_table("case_erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_erasures_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "uq_case_erasures_one_pending_per_case",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("twilio_deletion_at", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        sa.text(
            "UPDATE calls SET twilio_deletion_at = started_at WHERE call_sid LIKE :prefix"
        ).bindparams(prefix=ERASED_SID_PREFIX + "%")
    )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("twilio_deletion_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("case_erasures", schema=None) as batch_op:
        batch_op.drop_index("uq_case_erasures_one_pending_per_case")
        batch_op.drop_index(batch_op.f("ix_case_erasures_case_id"))
    op.drop_table("case_erasures")
