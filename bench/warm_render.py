"""Warm board render, server side: the cockpit's tile callback with every value in the result cache.

Usage: python bench/warm_render.py [--scale 0.05] [--runs 40]
Seeds the demo city, then for a leader on the city cockpit and a district-scoped staff member on the traffic board:
renders once to fill the caches, then times `runs` renders through Dash's /_dash-update-component (Flask's test
client: no network, no browser) and counts the metadata-store statements of one render (SQLAlchemy
before_cursor_execute, BEGINs included). A render alternates the language, so a rendered-board cache keyed by
language (issue 24.3), where present, is bypassed after the first two: this measures computing the tiles from
cached values and kept facts. Prints the median and p95 server time per render and CPU time per render.
Run it on two checkouts (e.g. `git archive` of two commits) to compare; figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARGS = [
    ("board-tileset", "data", None),
    ("board-range", "start_date", "2025-01-01"),
    ("board-range", "end_date", "2025-12-31"),
    ("board-grain", "value", "month"),
    ("board-district", "value", ""),
    ("board-cross", "data", None),
    ("board-reload", "n_clicks", None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    from sqlalchemy import event

    from app import create_app
    from demo.seed import seed_if_empty
    from tests.conftest import make_settings
    from tests.dashcalls import client, post

    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, args.scale, echo=lambda _m: None)
    seen: list[str] = []
    event.listen(rt.store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    for username, board in (("leader", "city_cockpit"), ("traffic_staff", "traffic_board")):
        clients = [client(app, username, "zh"), client(app, username, "en")]

        def render(n: int, board: str = board, clients: Any = clients) -> float:
            started = time.perf_counter()
            response = post(clients[n % 2], "board-grid.children", ARGS, [("board-id", "data", board)])
            assert response.status_code == 200, response.text[:200]
            return time.perf_counter() - started

        for n in range(4):
            render(n)
        seen.clear()
        render(0)
        statements = len(seen)
        cpu = time.process_time()
        times = sorted(render(n) for n in range(args.runs))
        cpu = (time.process_time() - cpu) / args.runs
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{username:<14} {board:<14} warm render: median {statistics.median(times) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms, "
            f"CPU {cpu * 1000:6.1f} ms, metadata statements {statements}"
        )
    rt.close()


if __name__ == "__main__":
    main()
