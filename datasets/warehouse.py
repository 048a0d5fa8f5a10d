"""The DuckDB warehouse on disk: one immutable file per dataset version.

DuckDB lets one process write a database file or many read it, never both. So an import never
writes a file anyone reads: it builds a new file `<table_key>/<uuid>.duckdb` (as `.part` until
complete), and the catalog row that names the current file changes in the same metadata
transaction that bumps `data_version`. Readers attach whatever file the catalog names, read-only.
Files no longer named by the catalog are collected after a grace period.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import duckdb

TABLE = "data"
PART_SUFFIX = ".part"
GRACE_SECONDS = 600


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

    def workdir(self) -> Path:
        path = self.root / "tmp" / uuid.uuid4().hex[:12]
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

    def collect(self, table_key: str, keep: set[str], grace_seconds: float = GRACE_SECONDS) -> list[str]:
        """Delete files of `table_key` the catalog no longer names, once older than the grace period.

        A reader that attached an old file keeps its open handle (POSIX unlink semantics), and
        readers re-resolve the current file on every query, so the grace period only has to
        cover a query in flight.
        """
        folder = self.root / table_key
        removed: list[str] = []
        if not folder.is_dir():
            return removed
        cutoff = time.time() - grace_seconds
        for path in folder.iterdir():
            rel = self.relative(path)
            if rel in keep or rel.removesuffix(".wal") in keep:
                continue
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(rel)
        return removed

    def clean_tmp(self, grace_seconds: float = GRACE_SECONDS) -> None:
        cutoff = time.time() - grace_seconds
        for path in (self.root / "tmp").iterdir():
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
