"""protecting the line: caller blocks, flood mode and its voice challenges, keyed hashes of
callers' numbers and bookers' addresses

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-18 10:00:00.000000

New tables: `caller_blocks` (a number's keyed hash while blocked, never the number),
`line_protection` (one row: flood mode, held bookings and the blocks' version counter,
written here), `call_challenges` (flood mode's digits by CallSid) and `held_bookings`
(bookings waiting for confirmation by e-mail link during a burst, encrypted). New columns,
all empty for what was stored before: `calls.caller_hash`, `appointments.email_hash` and
`.phone_hash`, `callbacks.number_hash`. Rows stored before 0018 carry no hash (the
migration knows no key), so calls, appointments and callbacks from before count for
nobody's limit: the limits begin to count with the first calls and bookings after the
upgrade.

A downgrade drops the tables and the columns: the blocks, flood mode and the hashes are
lost (nothing else refers to them). A call refused before the greeting (blocked, too many
calls, the challenge failed) becomes what the older code calls a call that ended before
routing (`ended_in_intake`): no case, not in the service level, as before.
"""

import sqlalchemy as sa
from alembic import op

import hotline.db

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_HASHED = (
    ("calls", "caller_hash"),
    ("appointments", "email_hash"),
    ("appointments", "phone_hash"),
    ("callbacks", "number_hash"),
)


def _utc(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, hotline.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "caller_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reason_encrypted", sa.LargeBinary(), nullable=True),
        _utc("created_at", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _utc("expires_at", nullable=False),
        _utc("ended_at"),
        sa.Column("ended_how", sa.String(length=8), nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_caller_blocks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_accounts.id"],
            name=op.f("fk_caller_blocks_created_by_staff_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by"],
            ["staff_accounts.id"],
            name=op.f("fk_caller_blocks_lifted_by_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caller_blocks")),
    )
    with op.batch_alter_table("caller_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caller_blocks_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_caller_blocks_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_caller_blocks_number_hash"), ["number_hash"], unique=False
        )
    op.create_table(
        "line_protection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flood_on", sa.Boolean(), nullable=False),
        _utc("flood_since"),
        sa.Column("flood_automatic", sa.Boolean(), nullable=False),
        _utc("flood_calm_since"),
        _utc("bookings_held_since"),
        sa.Column("blocks_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_protection")),
    )
    protection = sa.table(
        "line_protection",
        sa.column("id", sa.Integer),
        sa.column("flood_on", sa.Boolean),
        sa.column("flood_automatic", sa.Boolean),
        sa.column("blocks_version", sa.BigInteger),
    )
    op.bulk_insert(
        protection, [{"id": 1, "flood_on": False, "flood_automatic": False, "blocks_version": 0}]
    )
    op.create_table(
        "call_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("digits", sa.String(length=8), nullable=False),
        _utc("asked_at", nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _utc("passed_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_challenges")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_call_challenges_call_sid")),
    )
    with op.batch_alter_table("call_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_challenges_asked_at"), ["asked_at"], unique=False)
    op.create_table(
        "held_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("request_encrypted", sa.LargeBinary(), nullable=True),
        _utc("created_at", nullable=False),
        _utc("expires_at", nullable=False),
        _utc("confirmed_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_bookings")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_held_bookings_token_digest")),
    )
    with op.batch_alter_table("held_bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_held_bookings_expires_at"), ["expires_at"], unique=False
        )
    for table, column in _HASHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE calls SET outcome = 'ended_in_intake' "
            "WHERE outcome IN ('blocked', 'too_many_calls', 'challenge_failed')"
        )
    )
    for table, column in reversed(_HASHED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_column(column)
    op.drop_table("held_bookings")
    op.drop_table("call_challenges")
    op.drop_table("line_protection")
    op.drop_table("caller_blocks")
