"""The member index holds the registration's name and its search key, indexed for prefix search.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

Both columns are nullable: members registered without a name (every event written before names
were in the contract) keep none. A member's name appears when the projection next refreshes them
(a new event, or a rebuild of the live read model).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): no table rewrite on either database, however many members.
    op.add_column("member_index", sa.Column("name", sa.String(100), nullable=True))
    op.add_column("member_index", sa.Column("name_key", sa.String(100), nullable=True))
    op.create_index(
        "ix_member_index_name_key",
        "member_index",
        ["name_key"],
        postgresql_ops={"name_key": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_member_index_name_key", table_name="member_index")
    with op.batch_alter_table("member_index") as batch:
        batch.drop_column("name_key")
        batch.drop_column("name")
