"""indicators and their versions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 03:46:27.890388
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicators',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    op.create_table('indicator_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('certified_by', sa.String(length=64), nullable=True),
    sa.Column('certified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_versions_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_versions')),
    sa.UniqueConstraint('indicator_id', 'version', name=op.f('uq_indicator_versions_indicator_id'))
    )


def downgrade() -> None:
    op.drop_table('indicator_versions')
    op.drop_table('indicators')
