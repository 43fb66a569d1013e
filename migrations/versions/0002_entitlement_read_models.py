"""Entitlement read models: coverage periods, claim settlements, cap usage; stream id on the member index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member_index") as batch:
        batch.add_column(sa.Column("stream_id", sa.String(36), nullable=False, server_default=""))
        batch.create_unique_constraint(op.f("uq_member_index_stream_id"), ["stream_id"])
    with op.batch_alter_table("member_index") as batch:
        batch.alter_column("stream_id", server_default=None)
    op.create_table(
        "member_coverage",
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
        sa.PrimaryKeyConstraint("member_id", "period_number", name=op.f("pk_member_coverage")),
    )
    op.create_table(
        "claim_settlement",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("claim_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=True),
        sa.Column("edition_hash", sa.String(64), nullable=True),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("fund_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("member_pays_fen", sa.BigInteger(), nullable=False),
        sa.Column("layers_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "claim_id", name=op.f("pk_claim_settlement")),
    )
    op.create_table(
        "cap_usage",
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("layer", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("used_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "layer", "year", name=op.f("pk_cap_usage")),
    )


def downgrade() -> None:
    op.drop_table("cap_usage")
    op.drop_table("claim_settlement")
    op.drop_table("member_coverage")
    with op.batch_alter_table("member_index") as batch:
        batch.drop_constraint(op.f("uq_member_index_stream_id"), type_="unique")
        batch.drop_column("stream_id")
