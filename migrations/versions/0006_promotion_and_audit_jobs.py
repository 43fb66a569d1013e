"""Replay promotion and audit jobs.

Replay sets gain coverage periods (``replay_member_coverage``) and the edition of each claim, so a
finished set can become the live read model (``replay_promotion`` records each promotion); a job
records the event store's position when it began. Audits run as partitioned jobs
(``audit_job``, ``audit_partition`` with each partition's differences).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("replay_job", sa.Column("from_notification_id", sa.BigInteger(), nullable=True))
    op.add_column("replay_claim_settlement", sa.Column("rule_set", sa.String(64), nullable=True))
    op.add_column("replay_claim_settlement", sa.Column("edition_hash", sa.String(64), nullable=True))
    op.create_table(
        "replay_member_coverage",
        sa.Column("model_set", sa.String(100), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("period_number", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("covered_from", sa.Date(), nullable=False),
        sa.Column("covered_until", sa.Date(), nullable=False),
        sa.Column("region", sa.String(16), nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=False),
        sa.Column("edition_hash", sa.String(64), nullable=False),
        sa.Column("benefits_from", sa.Date(), nullable=False),
        sa.Column("benefits_until", sa.Date(), nullable=False),
        sa.Column("waiting_reason", sa.String(40), nullable=True),
        sa.Column("waiting_total_months", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("model_set", "member_id", "period_number", name=op.f("pk_replay_member_coverage")),
    )
    op.create_table(
        "replay_promotion",
        sa.Column("promotion_number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("model_set", sa.String(100), nullable=False),
        sa.Column("edition_name", sa.String(64), nullable=False),
        sa.Column("edition_hash", sa.String(64), nullable=False),
        sa.Column("from_notification_id", sa.BigInteger(), nullable=False),
        sa.Column("members_promoted", sa.Integer(), nullable=False),
        sa.Column("members_kept", sa.Integer(), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("promotion_number", name=op.f("pk_replay_promotion")),
    )
    op.create_index(op.f("ix_replay_promotion_job_id"), "replay_promotion", ["job_id"])
    op.create_table(
        "audit_job",
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("side_a_source", sa.Text(), nullable=True),
        sa.Column("side_b_source", sa.Text(), nullable=False),
        sa.Column("region", sa.String(16), nullable=True),
        sa.Column("members_json", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partitions", sa.Integer(), nullable=False),
        sa.Column("members_total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_audit_job")),
    )
    op.create_table(
        "audit_partition",
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("members_done", sa.Integer(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "partition", name=op.f("pk_audit_partition")),
    )


def downgrade() -> None:
    op.drop_table("audit_partition")
    op.drop_table("audit_job")
    op.drop_index(op.f("ix_replay_promotion_job_id"), table_name="replay_promotion")
    op.drop_table("replay_promotion")
    op.drop_table("replay_member_coverage")
    with op.batch_alter_table("replay_claim_settlement") as batch:
        batch.drop_column("edition_hash")
        batch.drop_column("rule_set")
    with op.batch_alter_table("replay_job") as batch:
        batch.drop_column("from_notification_id")
