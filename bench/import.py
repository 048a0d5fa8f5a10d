"""Import benchmark: a 10M-row CSV through the importer vs DuckDB's own read_csv on the same file.

Usage: python bench/import.py [--rows 10000000] [--keep]
Each side runs in a child process (so its peak memory is its own); the file is generated once.
Prints seconds, the ratio importer / read_csv (goal <= 1.25) and peak RSS of each side.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int) -> None:
    """A city-like CSV: timestamps, district names, codes, counts, durations, with a few NA cells."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT 'T' || lpad(CAST(i AS VARCHAR), 10, '0') AS ticket_id,
                 strftime(TIMESTAMP '2024-01-01' + INTERVAL (i % 31536000) SECOND, '%Y-%m-%d %H:%M:%S') AS created_at,
                 (['东城区','西城区','南湖区','北苑区','江滨区','高新区','临港区','青山区'])[1 + i % 8] AS district,
                 (['交通出行','环境保护','市容环卫','住房物业'])[1 + (i // 8) % 4] AS category,
                 lpad(CAST(100000 + i % 900 AS VARCHAR), 6, '0') AS postcode,
                 CAST(i % 97 AS BIGINT) AS visits,
                 CASE WHEN i % 1000 = 0 THEN 'NA' ELSE CAST(round((i % 5000) / 7.0, 2) AS VARCHAR) END AS hours,
                 CAST(i % 5 + 1 AS INTEGER) AS satisfaction
          FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)


def run_duckdb(csv: Path, workdir: Path) -> float:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(str(workdir / "raw.duckdb"))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - started


def run_importer(csv: Path, workdir: Path) -> float:
    import runtime
    from access.actor import SYSTEM
    from access.departments import create_department
    from datasets.importer import ImportRequest
    from settings import Settings
    from store import migrate

    settings = Settings.from_env({}, data_dir=workdir / "instance", secret_key="b" * 40, demo=False)
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.metadata_url)
    rt = runtime.build_runtime(settings)
    with rt.store.transaction() as session:
        create_department(session, "hotline", "热线")
    stages: list[tuple[str, float]] = []
    mark = [time.perf_counter()]

    def progress(stage: str, _fraction: float) -> None:
        now = time.perf_counter()
        stages.append((stage, now - mark[0]))
        mark[0] = now

    started = time.perf_counter()
    report = rt.importer.import_file(SYSTEM, csv, csv.name, ImportRequest(name="bench", department="hotline"), progress=progress)
    elapsed = time.perf_counter() - started
    kinds = ", ".join(f"{c['name']}:{c['type']}" for c in report.columns)
    phases = ", ".join(f"{name} {sec:.1f}s" for name, sec in zip([s for s, _ in stages][:-1], [sec for _, sec in stages][1:], strict=False))
    print(f"    importer columns: {kinds}\n    importer phases: {phases}", flush=True)
    return elapsed


def measure(target: str, csv: Path, workdir: Path) -> tuple[float, float]:
    """Run one side in a child process; return (seconds, peak RSS in MB)."""
    ctx = get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, csv, workdir, queue))
    proc.start()
    seconds = queue.get()
    _, _status, usage = os.wait4(proc.pid, 0)
    proc.join()
    return seconds, usage.ru_maxrss / 1024


def _child(target: str, csv: Path, workdir: Path, queue: object) -> None:
    side = workdir / target
    side.mkdir()
    seconds = run_importer(csv, side) if target == "importer" else run_duckdb(csv, side)
    queue.put(seconds)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file and databases")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="city-bench-import-"))
    csv = workdir / "tickets.csv"
    started = time.perf_counter()
    generate(csv, args.rows)
    print(f"generated {args.rows:,} rows, {csv.stat().st_size / 2**20:,.0f} MB in {time.perf_counter() - started:.1f}s", flush=True)
    duck_s, duck_mb = measure("duckdb", csv, workdir)
    print(f"  duckdb read_csv -> native table: {duck_s:6.2f}s  peak {duck_mb:,.0f} MB", flush=True)
    ours_s, ours_mb = measure("importer", csv, workdir)
    print(f"  importer (types, profile, publish): {ours_s:6.2f}s  peak {ours_mb:,.0f} MB", flush=True)
    print(f"ratio importer / duckdb = {ours_s / duck_s:.2f}x (goal <= 1.25x)")
    print(f"bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
