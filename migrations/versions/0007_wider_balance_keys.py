"""Balance keys up to 100 characters in cap_usage and replay_cap_usage.

Programme balances are keyed like ``outpatient_pooling.village_clinic:q4`` (36 characters); the
32 of revision 0002/0003 refused them on PostgreSQL (SQLite does not enforce the length).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = ("cap_usage", "replay_cap_usage")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("layer", type_=sa.String(100), existing_type=sa.String(32), existing_nullable=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("layer", type_=sa.String(32), existing_type=sa.String(100), existing_nullable=False)
