"""Board benchmark: the 12-tile city cockpit rendered server-side vs the raw DuckDB queries behind its tiles.

Usage: python bench/board.py [--scale 1] [--runs 5]
Seeds the demo city, then for a leader (city-wide) and a district-scoped staff member:
  first   the first render: no connection open, nothing compiled, nothing cached (a restarted server)
  cold    result cache empty (the usual case when data or filters change); compiled plans and
          connections kept
  cached  the board again with every tile served from the result cache
  raw     the sum of the same compiled SQL run directly on plain DuckDB, each query on a fresh
          connection (connect + ATTACH excluded; a second figure includes them)
Prints the times and the ratios board / raw (goal <= 1.5x cold).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def compiled_tiles(rt: Any, viewer: Any, board: Any) -> list[Any]:
    """The compiled query behind every data tile, as the viewer would run it."""
    from errors import NotFound
    from query.evaluate import parse_request
    from query.selfservice import parse_query

    compiled = []
    for tile in board.spec.tiles:
        try:
            compiled.append(_compile(rt, viewer, board, tile, parse_request, parse_query))
        except NotFound:
            continue  # a tile the viewer may not see runs no query
    return [c for c in compiled if c is not None]


def _compile(rt: Any, viewer: Any, board: Any, tile: Any, parse_request: Any, parse_query: Any) -> Any:
    if tile.source.indicator:
        ind = rt.registry.get(viewer, tile.source.indicator)
        args = {**tile.options.args(), **({"from": board.spec.filters.start} if board.spec.filters.start else {})}
        return rt.door.compile_indicator(viewer, ind, parse_request(rt.door, viewer, ind, args))
    if tile.source.query:
        return rt.door.compile(viewer, parse_query(tile.source.query.to_dict(), 5000))
    return None


def raw_time(rt: Any, compiled: list[Any]) -> tuple[float, float]:
    """Each tile's SQL on a fresh plain DuckDB connection with the version files attached:
    (query time, query time plus connect and ATTACH)."""
    queries = opened = 0.0
    for item in compiled:
        started = time.perf_counter()
        con = duckdb.connect()
        for alias, rel in item.files.items():
            con.execute(f"ATTACH '{rt.warehouse.resolve(rel)}' AS \"{alias}\" (READ_ONLY)")
        attached = time.perf_counter()
        con.execute(item.sql, item.params).fetchall()
        done = time.perf_counter()
        queries += done - attached
        opened += done - started
        con.close()
    return queries, opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from access.users import to_actor, user_by_name
    from app import create_app
    from boards.catalog import get_board
    from boards.render import board_data
    from demo.seed import seed_if_empty
    from tests.conftest import make_settings

    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, args.scale, echo=lambda _m: None)
    for name in ("leader", "traffic_staff"):
        with rt.store.read() as session:
            viewer = to_actor(user_by_name(session, name), session)
            board = get_board(session, viewer, "city_cockpit")

        def render(viewer: Any = viewer, board: Any = board) -> float:
            started = time.perf_counter()
            board_data(rt.door, viewer, board)
            return time.perf_counter() - started

        rt.door.forget_results()
        rt.door.plans.clear()
        rt.engine.close()
        first = render()
        colds = []
        for _ in range(args.runs):
            rt.door.forget_results()
            colds.append(render())
        cold = statistics.median(colds)
        cached = statistics.median(render() for _ in range(args.runs))
        raw, raw_opened = statistics.median_low(raw_time(rt, compiled_tiles(rt, viewer, board)) for _ in range(3))
        print(
            f"{name:<14} {len(board.spec.tiles)} tiles: first render {first * 1000:6.1f} ms, cold {cold * 1000:6.1f} ms, "
            f"cache hit {cached * 1000:5.1f} ms | raw SQL sum {raw * 1000:6.1f} ms ({raw_opened * 1000:6.1f} ms with connect) "
            f"-> cold ratio {cold / raw:4.2f}x, first render ratio {first / raw:4.2f}x ({first / raw_opened:4.2f}x against raw with connect)"
        )
    rt.close()


if __name__ == "__main__":
    main()
