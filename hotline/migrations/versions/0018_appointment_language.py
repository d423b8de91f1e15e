"""the language an official booked an appointment in: their SMS and manage page speak it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 22:00:00.000000

`appointments.language` is "de" or "en": an English caller who books by phone gets the SMS in
English with a link to the English manage page. Every appointment booked before was booked in
German (the web and the API are German), so existing rows get "de".
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(2), nullable=False, server_default="de")
        )


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.drop_column("language")
