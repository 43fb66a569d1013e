"""Members whose fold failed are isolated in ``fold_failure``; the projection goes on with everyone else.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fold_failure",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("event_position", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "member_id", name="pk_fold_failure"),
    )


def downgrade() -> None:
    op.drop_table("fold_failure")
