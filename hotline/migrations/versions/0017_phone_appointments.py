"""phone appointments: an appointment's kind, no room for a phone one, a callback's appointment

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-16 10:00:00.000000

Every appointment stored before 0017 was a video appointment: `kind` is added with the
server default 'video', so they keep their room and all they were. A phone appointment has
no video room (`room` becomes nullable) and is called at its time by a callback row tied to
it (`callbacks.appointment_id`, holding no seat).

A downgrade turns phone appointments into what the older code knows: each gets a room id of
its own (it is a video appointment there; nobody is mailed about it), and the callbacks tied
to them stay as plain callbacks for the same time, so the older scheduler still calls the
official back (as a callback, which it moves to the next opening when the line is closed).
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_APPOINTMENTS = sa.table(
    "appointments",
    sa.column("id", sa.Integer),
    sa.column("room", sa.String),
)
ROOM_BYTES = 16  # as scheduling.appointments.desk makes them


def upgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="video", nullable=False)
        )
        batch_op.alter_column("room", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_callbacks_appointment_id"), ["appointment_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_callbacks_appointment_id_appointments"),
            "appointments",
            ["appointment_id"],
            ["id"],
        )


def downgrade() -> None:
    connection = op.get_bind()
    roomless = connection.execute(
        sa.select(_APPOINTMENTS.c.id).where(_APPOINTMENTS.c.room.is_(None))
    ).scalars()
    for appointment_id in list(roomless):
        connection.execute(
            _APPOINTMENTS.update()
            .where(_APPOINTMENTS.c.id == appointment_id)
            .values(room=secrets.token_hex(ROOM_BYTES))
        )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_callbacks_appointment_id_appointments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_callbacks_appointment_id"))
        batch_op.drop_column("appointment_id")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.alter_column("room", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("kind")
