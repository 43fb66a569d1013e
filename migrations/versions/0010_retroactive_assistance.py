"""The ledger's retroactive-assistance decisions (依申请救助) as read models of their own, live and per replay set.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=False),
        sa.Column("edition_hash", sa.String(64), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("claims_json", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "retroactive_assistance",
        *_columns(),
        sa.PrimaryKeyConstraint("member_id", "decision_id", name=op.f("pk_retroactive_assistance")),
    )
    op.create_table(
        "replay_retroactive_assistance",
        sa.Column("model_set", sa.String(100), nullable=False),
        *_columns(),
        sa.PrimaryKeyConstraint("model_set", "member_id", "decision_id", name=op.f("pk_replay_retroactive_assistance")),
    )


def downgrade() -> None:
    op.drop_table("replay_retroactive_assistance")
    op.drop_table("retroactive_assistance")
