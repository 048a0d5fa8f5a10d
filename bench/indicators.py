"""Indicator benchmark: values through the public API path vs hand-written DuckDB SQL, 1M and 10M rows.

Usage: python bench/indicators.py [--sizes 1000000,10000000] [--runs 5]
For each size: the demo traffic dataset is generated at that size and imported through the product's
importer; the same Arrow table is loaded into a native DuckDB table. Then, in one process:
  API     GET /api/v1/indicators/{id}/values (auth, registry, compile, locked engine, JSON), cache cleared each run
  DuckDB  the equivalent hand-written SQL on the native table
  pandas  the same aggregation with pandas groupby (simple indicator only)
Cold = first run after (re)opening; warm = median of the next runs. Prints ratios API / DuckDB
(goal: <= 1.10x at 10M, <= 1.5x at 1M, uncached) and the cache-hit time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RANGE = {"from": "2025-01-01", "to": "2025-12-31"}
CASES = [
    (
        "traffic.congestion_index",
        {"grain": "month", "by": "district", **RANGE},
        """SELECT date_trunc('month', observed_at) AS period, district, avg(free_flow_speed_kmh / NULLIF(speed_kmh, 0)) AS value
        FROM t WHERE road_class IN ('arterial', 'expressway') AND observed_at >= TIMESTAMP '2025-01-01' AND observed_at < TIMESTAMP '2026-01-01'
        GROUP BY ALL ORDER BY 1, 2""",
    ),
    (
        "traffic.congestion_reduction",
        {"grain": "quarter", "by": "district", **RANGE},
        """WITH cur AS (SELECT date_trunc('quarter', observed_at) AS period, district, avg(free_flow_speed_kmh / NULLIF(speed_kmh, 0)) AS v
                   FROM t WHERE road_class IN ('arterial', 'expressway') AND observed_at >= TIMESTAMP '2025-01-01' AND observed_at < TIMESTAMP '2026-01-01'
                   GROUP BY ALL),
             base AS (SELECT district, avg(free_flow_speed_kmh / NULLIF(speed_kmh, 0)) AS v FROM t
                   WHERE road_class IN ('arterial', 'expressway') AND observed_at >= TIMESTAMP '2024-01-01' AND observed_at < TIMESTAMP '2025-01-01'
                   GROUP BY ALL)
        SELECT cur.period, cur.district, (base.v - cur.v) / base.v * 100 FROM cur JOIN base USING (district) ORDER BY 1, 2""",
    ),
    (
        "traffic.volume_ytd",
        {"grain": "month", **RANGE},
        """SELECT period, sum(v) OVER (PARTITION BY date_trunc('year', period) ORDER BY period) FROM (
          SELECT date_trunc('month', observed_at) AS period, sum(volume) AS v FROM t
          WHERE observed_at >= TIMESTAMP '2025-01-01' AND observed_at < TIMESTAMP '2026-01-01' GROUP BY ALL) ORDER BY 1""",
    ),
]


def timed(func: Callable[[], Any]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def traffic_table(rows: int) -> Any:
    from demo import city

    scale = rows / (4 * 8 * 17544)
    return city.traffic_segment_speeds(np.random.default_rng(7), scale)


def build(workdir: Path, table: Any) -> tuple[Any, Any, duckdb.DuckDBPyConnection]:
    """An app with the table imported as traffic_segment_speeds, a signed-in leader, and a native DuckDB copy."""
    from access.actor import SYSTEM
    from app import create_app
    from datasets.importer import ImportRequest
    from tests.conftest import PASSWORD, login, make_settings, seed_directory

    app = create_app(make_settings(workdir / "instance", row_cap=1_000_000))
    rt = app.server.extensions["city"]
    seed_directory(rt)
    rt.importer.import_arrow(SYSTEM, table, ImportRequest(name="路段车速", department="traffic", dataset_id="traffic_segment_speeds"))
    client = app.server.test_client()
    login(client, "leader", PASSWORD)
    native = duckdb.connect(str(workdir / "native.duckdb"))
    native.register("arrow_t", table)
    native.execute("CREATE TABLE t AS SELECT * FROM arrow_t")
    native.unregister("arrow_t")
    native.execute("CHECKPOINT")
    return app, client, native


def api(rt: Any, client: Any, url: str, args: dict[str, str]) -> None:
    """One uncached request through the whole public path."""
    rt.door.forget_results()
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.json


def bench_size(rows: int, runs: int) -> None:
    table = traffic_table(rows)
    workdir = Path(tempfile.mkdtemp(prefix="city-bench-ind-"))
    try:
        app, client, native = build(workdir, table)
        rt = app.server.extensions["city"]
        print(f"\n== {table.num_rows:,} rows ==")
        print(
            f"{'indicator':<30} {'API cold':>9} {'SQL cold':>9} {'ratio':>6} | {'API warm':>9} {'SQL warm':>9} {'ratio':>6} | {'cache hit':>9}"
        )
        for indicator, args, sql in CASES:
            url = f"/api/v1/indicators/{indicator}/values"
            rt.engine.close()  # cold: the version file is attached anew
            api_cold = timed(lambda url=url, args=args: api(rt, client, url, args))
            native.close()  # cold: the native database is opened anew too
            native = duckdb.connect(str(workdir / "native.duckdb"))
            sql_cold = timed(lambda con=native, sql=sql: con.execute(sql).fetchall())
            api_warm = statistics.median(timed(lambda url=url, args=args: api(rt, client, url, args)) for _ in range(runs))
            sql_warm = statistics.median(timed(lambda con=native, sql=sql: con.execute(sql).fetchall()) for _ in range(runs))
            client.get(url, query_string=args)
            hit = statistics.median(timed(lambda url=url, args=args: client.get(url, query_string=args)) for _ in range(runs))
            print(
                f"{indicator:<30} {api_cold * 1000:8.1f}ms {sql_cold * 1000:8.1f}ms {api_cold / sql_cold:5.2f}x | "
                f"{api_warm * 1000:8.1f}ms {sql_warm * 1000:8.1f}ms {api_warm / sql_warm:5.2f}x | {hit * 1000:8.1f}ms"
            )
        frame = table.to_pandas()

        def pandas_simple() -> None:
            part = frame[
                frame.road_class.isin(["arterial", "expressway"]) & (frame.observed_at >= "2025-01-01") & (frame.observed_at < "2026-01-01")
            ]
            ratio = part.free_flow_speed_kmh / part.speed_kmh
            ratio.groupby([part.observed_at.dt.to_period("M"), part.district]).mean()

        pandas_s = statistics.median(timed(pandas_simple) for _ in range(max(1, runs // 2)))
        print(f"pandas groupby (congestion_index): {pandas_s * 1000:.1f}ms")
        rt.close()
        native.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.runs)


if __name__ == "__main__":
    main()
