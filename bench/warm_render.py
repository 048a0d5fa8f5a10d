"""Warm board render, server side: the cockpit's tile callback with every value in the result cache.

Usage: python bench/warm_render.py [--scale 0.05] [--runs 40]
Seeds the demo city, then for a leader on the city cockpit and a district-scoped staff member on the traffic board:
renders once to fill the caches, then times `runs` renders through Dash's /_dash-update-component (Flask's test
client: no network, no browser) and counts the metadata-store statements of one render (SQLAlchemy
before_cursor_execute, BEGINs included). The rendered-board cache (issue 24.3), where the checkout has one, is
emptied before every timed render: this measures computing the tiles from cached values and kept facts (a
second line gives the board-cache hit). Prints the median and p95 server time per render and CPU per render.
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
    rendered = _rendered_boards(app)
    for username, board in (("leader", "city_cockpit"), ("traffic_staff", "traffic_board")):
        viewer = client(app, username, "zh")

        def render(forget: bool, board: str = board, viewer: Any = viewer) -> float:
            if forget and rendered is not None:
                rendered.clear()
            started = time.perf_counter()
            response = post(viewer, "board-grid.children", ARGS, [("board-id", "data", board)])
            assert response.status_code == 200, response.text[:200]
            return time.perf_counter() - started

        for forget in (True, True, False, True):
            render(forget)
        for forget, what in ((True, "tiles computed"), (False, "board cache hit")):
            if not forget and rendered is None:
                continue
            render(forget)
            seen.clear()
            render(forget)
            statements = len(seen)
            cpu = time.process_time()
            times = sorted(render(forget) for _ in range(args.runs))
            cpu = (time.process_time() - cpu) / args.runs
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(
                f"{username:<14} {board:<14} {what:<16} median {statistics.median(times) * 1000:6.1f} ms, "
                f"p95 {p95 * 1000:6.1f} ms, CPU {cpu * 1000:6.1f} ms, metadata statements {statements}"
            )
    rt.close()


def _rendered_boards(app: Any) -> Any:
    """The process's rendered-board cache, when this checkout has one (issue 24.3)."""
    try:
        from callbacks.boardanswers import rendered_boards
    except ImportError:
        return None
    with app.server.app_context():
        return rendered_boards()


if __name__ == "__main__":
    main()
