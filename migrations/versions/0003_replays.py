"""Replay jobs, their partitions, and the replay read-model sets.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replay_job",
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("model_set", sa.String(100), nullable=False),
        sa.Column("edition_name", sa.String(64), nullable=False),
        sa.Column("edition_hash", sa.String(64), nullable=False),
        sa.Column("edition_source", sa.Text(), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("members_json", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("partitions", sa.Integer(), nullable=False),
        sa.Column("members_total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_replay_job")),
    )
    op.create_index(op.f("ix_replay_job_model_set"), "replay_job", ["model_set"])
    op.create_table(
        "replay_partition",
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("members_done", sa.Integer(), nullable=False),
        sa.Column("events_done", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "partition", name=op.f("pk_replay_partition")),
    )
    op.create_table(
        "replay_claim_settlement",
        sa.Column("model_set", sa.String(100), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("claim_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("fund_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("member_pays_fen", sa.BigInteger(), nullable=False),
        sa.Column("layers_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("model_set", "member_id", "claim_id", name=op.f("pk_replay_claim_settlement")),
    )
    op.create_table(
        "replay_cap_usage",
        sa.Column("model_set", sa.String(100), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("layer", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("used_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("model_set", "member_id", "layer", "year", name=op.f("pk_replay_cap_usage")),
    )


def downgrade() -> None:
    op.drop_table("replay_cap_usage")
    op.drop_table("replay_claim_settlement")
    op.drop_table("replay_partition")
    op.drop_index(op.f("ix_replay_job_model_set"), table_name="replay_job")
    op.drop_table("replay_job")
