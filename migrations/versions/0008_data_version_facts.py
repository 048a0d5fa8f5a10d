"""metadata kept per data version (issue 24)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 06:30:00.000000

Two facts a warm board render reads instead of the metadata a tile used to load:

- `dataset_versions.time_ranges`: each date/timestamp column's [min, max] in that version, written at import
  (a default date range reads this small map, not the whole profile JSON); back-filled here from the profiles.
- `metadata_generation`: one counter, raised by triggers on every insert, update or delete of what a render
  resolves (datasets, their versions and columns, row policies, grants, areas, departments, indicators and
  their versions). Every web worker reads it once per render and keeps its resolved facts per generation, so an
  import or a policy change made by any process (another worker, the CLI) is seen by the next render.
  Triggers, not application code, so no writer can forget it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TRACKED = (
    "datasets",
    "dataset_versions",
    "dataset_columns",
    "row_policies",
    "grants",
    "areas",
    "departments",
    "indicators",
    "indicator_versions",
)
TEMPORAL = ("date", "timestamp")
BUMP = "UPDATE metadata_generation SET value = value + 1 WHERE id = 1"


def _ranges(profile: Any, temporal: set[str]) -> dict[str, list[Any]]:
    columns = profile.get("columns", {}) if isinstance(profile, dict) else {}
    return {name: [stats.get("min"), stats.get("max")] for name, stats in columns.items() if name in temporal and isinstance(stats, dict)}


def _backfill() -> None:
    bind = op.get_bind()
    columns = sa.table("dataset_columns", sa.column("dataset_id"), sa.column("name"), sa.column("type"))
    versions = sa.table(
        "dataset_versions", sa.column("id"), sa.column("dataset_id"), sa.column("profile", sa.JSON), sa.column("time_ranges", sa.JSON)
    )
    temporal: dict[str, set[str]] = {}
    for dataset_id, name in bind.execute(sa.select(columns.c.dataset_id, columns.c.name).where(columns.c.type.in_(TEMPORAL))):
        temporal.setdefault(dataset_id, set()).add(name)
    for row_id, dataset_id, profile in bind.execute(sa.select(versions.c.id, versions.c.dataset_id, versions.c.profile)).all():
        ranges = _ranges(profile, temporal.get(dataset_id, set()))
        bind.execute(sa.update(versions).where(versions.c.id == row_id).values(time_ranges=ranges))


def _triggers_sqlite() -> None:
    for table in TRACKED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER generation_{table}_{event.lower()} AFTER {event} ON {table} BEGIN {BUMP}; END")


def _triggers_postgresql() -> None:
    op.execute(f"CREATE FUNCTION city_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
    for table in TRACKED:
        op.execute(
            f"CREATE TRIGGER generation_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION city_bump_generation()"
        )


def upgrade() -> None:
    op.add_column("dataset_versions", sa.Column("time_ranges", sa.JSON(), nullable=True))
    _backfill()
    op.create_table(
        "metadata_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_generation")),
    )
    op.execute("INSERT INTO metadata_generation (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        _triggers_postgresql()
    else:
        _triggers_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TRACKED:
            op.execute(f"DROP TRIGGER IF EXISTS generation_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS city_bump_generation()")
    else:
        for table in TRACKED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS generation_{table}_{event}")
    op.drop_table("metadata_generation")
    with op.batch_alter_table("dataset_versions") as batch:
        batch.drop_column("time_ranges")
