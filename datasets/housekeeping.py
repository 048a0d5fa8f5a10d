"""Housekeeping of the data plane, run at start-up and as periodic jobs: the orphan sweep and the version collector.

- The sweep deletes uploads (instance/uploads/), half-written version files (`*.duckdb.part`) and import scratch
  folders that no live work lease names (jobs/lease.py): what an import killed mid-way (kill -9, a lost machine)
  left behind. Files are listed before leases are read, and work takes its lease before it makes a file.
- The collector keeps, per dataset, the current version file and the newest `keep` others (CITY_KEEP_VERSIONS)
  and deletes older files once past the grace period, marking their versions collected.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from sqlalchemy import select

from datasets.models import Dataset, DatasetVersion
from datasets.warehouse import GRACE_SECONDS, Warehouse
from jobs.lease import live_paths
from jobs.runner import Job, Runner
from store.base import utcnow
from store.engine import Store

log = logging.getLogger(__name__)
SWEEP_EVERY = dt.timedelta(minutes=10)
COLLECT_EVERY = dt.timedelta(hours=1)


def sweep_orphans(store: Store, warehouse: Warehouse, uploads: Path) -> list[Path]:
    """Delete files of dead imports; returns what was deleted."""
    candidates = [p for p in uploads.iterdir() if p.is_file()] if uploads.is_dir() else []
    candidates += warehouse.parts() + warehouse.workdirs()
    if not candidates:
        return []
    live = live_paths(store)
    removed = []
    for path in candidates:
        resolved = path.resolve()
        if resolved in live or resolved.with_name(resolved.name.removesuffix(".wal")) in live:
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        log.info("swept %d files left by interrupted imports: %s", len(removed), ", ".join(p.name for p in removed[:10]))
    return removed


def collect_dataset(store: Store, warehouse: Warehouse, keep_versions: int, dataset_id: str, now: float | None = None) -> list[str]:
    """Drop version files of one dataset beyond the newest `keep_versions` (plus the current one)."""
    with store.transaction() as session:
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            return []
        versions = list(
            session.scalars(select(DatasetVersion).where(DatasetVersion.dataset_id == dataset_id).order_by(DatasetVersion.version.desc()))
        )
        keep = {v.file for v in versions[: keep_versions + 1]} | {dataset.current_file or ""}
        removed = set(warehouse.collect(dataset.table_key, keep, GRACE_SECONDS, now))
        for v in versions:
            if v.file in removed and v.collected_at is None:
                v.collected_at = utcnow()
        return sorted(removed)


def collect_all(store: Store, warehouse: Warehouse, keep_versions: int, now: float | None = None) -> int:
    """Run the collector over every dataset (deleted ones included: their old versions are as dead); files removed."""
    with store.read() as session:
        ids = list(session.scalars(select(Dataset.id).order_by(Dataset.id)))
    removed = sum(len(collect_dataset(store, warehouse, keep_versions, i, now)) for i in ids)
    warehouse.clean_tmp()
    return removed


def register(runner: Runner, store: Store, warehouse: Warehouse, keep_versions: int, uploads: Path) -> None:
    """The data plane's periodic jobs. The collector's grace period counts from the runner's clock."""
    runner.register(Job("datasets.sweep_orphans", SWEEP_EVERY, lambda _now: sweep_orphans(store, warehouse, uploads)))
    runner.register(
        Job(
            "datasets.collect_versions",
            COLLECT_EVERY,
            lambda now: collect_all(store, warehouse, keep_versions, now.replace(tzinfo=dt.UTC).timestamp()),
        )
    )
