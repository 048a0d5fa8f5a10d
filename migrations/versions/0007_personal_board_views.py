"""personal board views

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["boards.id"], name=op.f("fk_board_views_board_id_boards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_views")),
        sa.UniqueConstraint("board_id", "username", name=op.f("uq_board_views_board_id")),
    )


def downgrade() -> None:
    op.drop_table("board_views")
