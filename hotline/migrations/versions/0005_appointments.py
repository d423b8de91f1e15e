"""appointments: appointments, counsellor e-mail and feed token, windows by arrangement

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 11:01:14.236307
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("start", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("name_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("email_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("phone_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("phone_is_mobile", sa.Boolean(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("token_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=True),
        sa.Column("room", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("booked_via", sa.String(length=8), nullable=False),
        sa.Column("created_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("canceled_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_appointments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"],
            ["counsellors.id"],
            name=op.f("fk_appointments_counsellor_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("request_digest", name=op.f("uq_appointments_request_digest")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_appointments_token_digest")),
        sa.UniqueConstraint("uid", name=op.f("uq_appointments_uid")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_appointments_counsellor_id"), ["counsellor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_appointments_start"), ["start"], unique=False)
        batch_op.create_index(
            "uq_appointments_counsellor_booked_start",
            ["counsellor_id", "start"],
            unique=True,
            sqlite_where=sa.text("state = 'booked'"),
            postgresql_where=sa.text("state = 'booked'"),
        )

    version = op.create_table(
        "appointments_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments_version")),
    )
    op.bulk_insert(version, [{"id": 1, "number": 0}])

    with op.batch_alter_table("counsellor_windows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("by_arrangement", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_encrypted", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("feed_token_digest", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_counsellors_feed_token_digest"), ["feed_token_digest"]
        )


def downgrade() -> None:
    with op.batch_alter_table("counsellors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_counsellors_feed_token_digest"), type_="unique")
        batch_op.drop_column("feed_token_digest")
        batch_op.drop_column("email_encrypted")

    with op.batch_alter_table("counsellor_windows", schema=None) as batch_op:
        batch_op.drop_column("by_arrangement")

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_appointments_counsellor_booked_start",
            sqlite_where=sa.text("state = 'booked'"),
            postgresql_where=sa.text("state = 'booked'"),
        )
        batch_op.drop_index(batch_op.f("ix_appointments_start"))
        batch_op.drop_index(batch_op.f("ix_appointments_counsellor_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_case_id"))

    op.drop_table("appointments")
    op.drop_table("appointments_version")
