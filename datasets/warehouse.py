"""The DuckDB warehouse on disk: one immutable file per dataset version.

DuckDB lets one process write a database file or many read it, never both. So an import never
writes a file anyone reads: it builds a new file `<table_key>/<uuid>.duckdb` (as `.part` until
complete), and the catalog row that names the current file changes in the same metadata
transaction that bumps `data_version`. Readers attach whatever file the catalog names, read-only.
Files no longer named by the catalog are collected after a grace period.

An import holds a work lease (jobs/lease.py) naming its `.part` file and scratch folder while it runs; after a
crash (kill -9) nothing deletes them but the orphan sweep (datasets/housekeeping.py), which removes what no live
lease names.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path

import duckdb

TABLE = "data"
PART_SUFFIX = ".part"
GRACE_SECONDS = 600
WORKDIR = re.compile(r"^[0-9a-f]{12}$")


class Warehouse:
    def __init__(self, root: Path, memory_limit: str = "4GB", threads: int = 0) -> None:
        self.root = root
        self.memory_limit = memory_limit
        self.threads = threads
        root.mkdir(parents=True, exist_ok=True)
        (root / "tmp").mkdir(exist_ok=True)

    def new_part(self, table_key: str) -> Path:
        """A fresh path for a version being written; not visible to readers until published."""
        folder = self.root / table_key
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{uuid.uuid4().hex[:16]}.duckdb{PART_SUFFIX}"

    def writer(self, part: Path) -> duckdb.DuckDBPyConnection:
        """A read-write connection to a new version file, with import limits."""
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": self.memory_limit,
            "temp_directory": str(self.root / "tmp"),
            "preserve_insertion_order": True,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
        }
        if self.threads:
            config["threads"] = self.threads
        return duckdb.connect(str(part), config=config)

    def workdir(self, make: bool = True) -> Path:
        """A new scratch folder (its name matches WORKDIR, so the orphan sweep recognises it); `make=False` only
        names it, for work that leases it before creating it."""
        path = self.root / "tmp" / uuid.uuid4().hex[:12]
        if make:
            path.mkdir(parents=True)
        return path

    def publish(self, part: Path) -> str:
        """Rename a finished `.part` file to its final name; returns the path the catalog stores."""
        final = part.with_name(part.name.removesuffix(PART_SUFFIX))
        part.rename(final)
        return self.relative(final)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def resolve(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("warehouse path outside the warehouse")
        return path

    def discard(self, path: Path) -> None:
        for candidate in (path, path.with_name(path.name + ".wal")):
            candidate.unlink(missing_ok=True)

    def parts(self) -> list[Path]:
        """Version files being written (or left by a crashed import), with their write-ahead logs."""
        return [p for p in self.root.glob(f"*/*{PART_SUFFIX}*") if p.parent.name != "tmp" and p.is_file()]

    def workdirs(self) -> list[Path]:
        """Scratch folders of imports and previews (`workdir()`)."""
        return [p for p in (self.root / "tmp").iterdir() if p.is_dir() and WORKDIR.match(p.name)]

    def collect(self, table_key: str, keep: set[str], grace_seconds: float = GRACE_SECONDS, now: float | None = None) -> list[str]:
        """Delete files of `table_key` the catalog no longer names, once older than the grace period.

        A reader that attached an old file keeps its open handle (POSIX unlink semantics), and
        readers re-resolve the current file on every query, so the grace period only has to
        cover a query in flight.
        """
        folder = self.root / table_key
        removed: list[str] = []
        if not folder.is_dir():
            return removed
        cutoff = (now if now is not None else time.time()) - grace_seconds
        for path in folder.iterdir():
            if PART_SUFFIX in path.name:  # being written: the orphan sweep decides, from the work's lease
                continue
            rel = self.relative(path)
            if rel in keep or rel.removesuffix(".wal") in keep:
                continue
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(rel)
        return removed

    def clean_tmp(self, grace_seconds: float = GRACE_SECONDS) -> None:
        """Old loose files in tmp/ (DuckDB spill files); scratch folders are the orphan sweep's, by their lease."""
        cutoff = time.time() - grace_seconds
        for path in (self.root / "tmp").iterdir():
            if path.is_dir() and WORKDIR.match(path.name):
                continue
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
