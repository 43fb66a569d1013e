"""Member index and projection tracking.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_index",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("scheme", sa.String(16), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("first_occurred_on", sa.Date(), nullable=True),
        sa.Column("last_occurred_on", sa.Date(), nullable=True),
        sa.Column("last_notification_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_index")),
    )
    op.create_index(op.f("ix_member_index_region"), "member_index", ["region"])
    op.create_index(op.f("ix_member_index_scheme"), "member_index", ["scheme"])
    op.create_table(
        "projection_tracking",
        sa.Column("projection_name", sa.String(100), nullable=False),
        sa.Column("application_name", sa.String(100), nullable=False),
        sa.Column("notification_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("projection_name", name=op.f("pk_projection_tracking")),
    )


def downgrade() -> None:
    op.drop_table("projection_tracking")
    op.drop_index(op.f("ix_member_index_scheme"), table_name="member_index")
    op.drop_index(op.f("ix_member_index_region"), table_name="member_index")
    op.drop_table("member_index")
