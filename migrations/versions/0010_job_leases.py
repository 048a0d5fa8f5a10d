"""job runner leases and import leases (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:30:00.000000

Reserved so that three pieces of work can add their tables in a fixed order; it changes nothing until filled in.
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
