"""The row count of each version of a dataset as one actor may read it.

A caller whom no row scope limits gets the counts stored at import. A row-scoped caller must not learn how many
rows a whole version has, so each version whose file is still on disk is counted under their scope (the same
conditions the door applies to the current version); a collected version, or one that lacks a column their scope
names, has no count they may see (None).
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
from sqlalchemy import select
from sqlglot import exp

from access.actor import Actor
from datasets.models import DatasetVersion
from errors import UserError
from indicators.compiled import compiled
from indicators.sqlparts import Params, scope_conditions
from query.door import Door
from store.engine import Store


def version_rows(door: Door, store: Store, actor: Actor, dataset_id: str) -> dict[int, int | None]:
    """version → rows the actor may read in it (NotFound as the door answers for a dataset they may not see)."""
    seen = door.dataset(actor, dataset_id)
    with store.read() as session:
        versions = list(session.scalars(select(DatasetVersion).where(DatasetVersion.dataset_id == seen.info.id)))
    if not seen.scoped:
        return {v.version: v.rows for v in versions}
    source = door.source(actor, dataset_id)
    counts: dict[int, int | None] = {}
    for v in versions:
        if v.version == seen.info.data_version:
            counts[v.version] = seen.rows
            continue
        if v.collected_at is not None:
            counts[v.version] = None
            continue
        old = replace(source, file=v.file, data_version=v.version)
        params = Params()
        count = exp.select(exp.Count(this=exp.Star())).from_(old.table())
        for condition in scope_conditions(old, params):
            count = count.where(condition)
        try:
            counts[v.version] = int(door._run(compiled(count, params.values, [old], ["count"])).rows[0][0])
        except (duckdb.Error, UserError, OSError):  # the file went meanwhile, or the version lacks the scope's column
            counts[v.version] = None
    return counts
