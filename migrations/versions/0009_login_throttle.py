"""login throttling per account and address (issue 18)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:30:00.000000

Sign-in throttling counts failures per (account, address) since the pair's last success (access/ratelimit.py),
in the `login_attempts` rows every worker shares. Each sign-in asks for one pair's latest success, count and latest
failure: one index over (username, address, at) answers all three without reading other pairs' rows.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.create_index("ix_login_attempts_pair", ["username", "address", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch_op:
        batch_op.drop_index("ix_login_attempts_pair")
