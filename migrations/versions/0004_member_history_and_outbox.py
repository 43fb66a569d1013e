"""The member history the status read path folds, the outbox, and the member notices its actor writes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_history",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("history_format", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("events_json", sa.Text(), nullable=False),
        sa.Column("last_notification_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_history")),
    )
    op.create_table(
        "outbox",
        sa.Column("outbox_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("notification_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_member_id"), "outbox", ["member_id"])
    op.create_index(op.f("ix_outbox_dispatched_at"), "outbox", ["dispatched_at"])
    op.create_table(
        "member_notice",
        sa.Column("outbox_id", sa.String(36), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_member_notice")),
    )
    op.create_index(op.f("ix_member_notice_member_id"), "member_notice", ["member_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_member_notice_member_id"), table_name="member_notice")
    op.drop_table("member_notice")
    op.drop_index(op.f("ix_outbox_dispatched_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_member_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("member_history")
