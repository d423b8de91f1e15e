"""console sessions on the server, login throttle per address and client, idempotency keys
bound to the client and the request, follow-up outcomes encrypted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:00:00.000000

The follow-up outcomes written in clear before this revision are sealed with the data key on
the way (`hotline db upgrade` hands the cipher over); a database holding such outcomes cannot
be upgraded without HOTLINE_DATA_KEY, and says so.
"""

import sqlalchemy as sa
from alembic import context, op

import hotline.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_REFERRALS = sa.table(
    "referrals",
    sa.column("id", sa.Integer),
    sa.column("follow_up_outcome", sa.String),
    sa.column("follow_up_outcome_encrypted", sa.LargeBinary),
)


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("started_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staff_sessions_account_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_staff_sessions_token_digest")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_account_id"), ["account_id"])

    op.create_table(
        "login_throttles",
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", hotline.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", hotline.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address_key", "client_key", name=op.f("pk_login_throttles")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttles_updated_at"), ["updated_at"])

    # sessions and lock-outs live in the tables above now: every cookie issued before this
    # revision ends (its holder logs in again), and running lock-outs are lifted
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")

    # an Idempotency-Key replays only for the same client and the same body; keys stored
    # before were neither, so they are dropped (a retry of such a request books anew or 409s)
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_body_digest", sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE appointments SET request_digest = NULL"))

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("follow_up_outcome_encrypted", sa.LargeBinary(), nullable=True)
        )
    _seal_outcomes()
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("follow_up_outcome")


def _seal_outcomes() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_REFERRALS.c.id, _REFERRALS.c.follow_up_outcome).where(
            _REFERRALS.c.follow_up_outcome.is_not(None)
        )
    ).all()
    if not rows:
        return
    cipher = context.config.attributes.get("cipher")
    if cipher is None:
        raise RuntimeError(
            "referrals hold follow-up outcomes to encrypt: run `hotline db upgrade` with "
            "HOTLINE_DATA_KEY set"
        )
    for row in rows:
        connection.execute(
            _REFERRALS.update()
            .where(_REFERRALS.c.id == row.id)
            .values(follow_up_outcome_encrypted=cipher.encrypt(row.follow_up_outcome))
        )


def downgrade() -> None:
    # the outcomes stay sealed: a downgrade does not write personal data back in clear
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_outcome", sa.String(length=500), nullable=True))
        batch_op.drop_column("follow_up_outcome_encrypted")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("request_body_digest")
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", hotline.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_updated_at"))
    op.drop_table("login_throttles")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_account_id"))
    op.drop_table("staff_sessions")
