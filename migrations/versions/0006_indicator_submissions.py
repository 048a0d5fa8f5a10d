"""indicator submissions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 04:55:32.477695
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicator_versions", schema=None) as batch_op:
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("submitted_by")
