"""Tile figures the old way (go.Figure, plotly_white inlined in every figure) against plain dicts, in one process.

Usage: python bench/figures.py [--runs 50] [--old d50ab9caaf32915a7c7560e1d07cd6690868f49f]
The 12 tiles of the city cockpit, as the leader sees them (tests/fixtures/figures/views.json, zh and en), drawn:
  old      layouts/tilefigures.py as it was at commit --old (read with `git show`): go.Figure, add_vrect/add_hline,
           to_plotly_json, the whole plotly_white template set into every figure
  by name  the new dicts with the small template registered once in plotly.io.templates and named in each figure:
           plotly.js cannot resolve a name, so it must pass through go.Figure to be expanded before it is sent
  new      today's layouts/tilefigures.py: plain dicts sharing one prebuilt small template
Prints the median time to draw the 12 tiles' charts alone and their whole frames (8 KPI sparklines are the same
SVG pictures either way, and a KPI card has no plotly figure), the JSON
bytes of their figures (plotly's encoder, as Dash sends them) raw and gzipped, the same for the whole grid answer
(every tile frame), and the ratios.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OLD = "d50ab9caaf32915a7c7560e1d07cd6690868f49f"  # the last go.Figure version of layouts/tilefigures.py
VIEWS = ROOT / "tests" / "fixtures" / "figures" / "views.json"
NAMES = ("trend_figure", "bar_figure", "stacked_figure", "donut_figure", "heatmap_figure")


def old_module(commit: str, name: str = "tilefigures") -> types.ModuleType:
    """layouts/<name>.py as it was at `commit`, loaded beside today's (from a file written out of git)."""
    source = subprocess.run(["git", "show", f"{commit}:layouts/{name}.py"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / f"{name}_{commit[:8]}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"{name}_{commit[:8]}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def by_name(module: types.ModuleType) -> types.ModuleType:
    """Today's figure functions, each figure naming the registered template and expanded by go.Figure."""
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.templates["city_tiles"] = module.TEMPLATE
    named = types.ModuleType("named_tilefigures")

    def wrap(draw: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def drawn(*args: Any, **kwargs: Any) -> dict[str, Any]:
            figure = draw(*args, **kwargs)
            figure["layout"] = {**figure["layout"], "template": "city_tiles"}
            expanded: dict[str, Any] = go.Figure(figure).to_plotly_json()
            return expanded

        return drawn

    for name in NAMES:
        setattr(named, name, wrap(getattr(module, name)))
    return named


def grid(views: list[dict[str, Any]], lang: str, figures: types.ModuleType) -> list[Any]:
    """Every tile frame of the board as the grid callback answers, its charts drawn by `figures`."""
    from layouts import tiles

    kept = {name: getattr(tiles, name) for name in NAMES}
    for name in NAMES:
        setattr(tiles, name, getattr(figures, name))
    try:
        return [tiles.frame(view, lang) for view in views]
    finally:
        for name, draw in kept.items():
            setattr(tiles, name, draw)


def figures_only(views: list[dict[str, Any]], lang: str, figures: types.ModuleType) -> list[Any]:
    """Only the tiles' charts (the dispatch of layouts/tiles.py): each figure, and each KPI card's sparkline."""
    from layouts import tiles

    drawn: list[Any] = []
    for view in views:
        kind, data = view["type"], view["data"]
        if kind == "kpi":
            drawn.append(tiles.spark_image(view.get("spark") or []))
        elif kind in ("line", "area"):
            drawn.append(figures.trend_figure(view, lang, area=kind == "area"))
        elif kind == "bar":
            drawn.append(figures.bar_figure(data, view.get("period"), view.get("selected")))
        elif kind == "stacked":
            drawn.append(figures.stacked_figure(data, view.get("period")))
        elif kind == "donut":
            drawn.append(figures.donut_figure(data, view.get("period"), lang, view.get("selected")))
        elif kind == "heatmap":
            drawn.append(figures.heatmap_figure(data, lang))
    return drawn


def charts(frames: list[Any]) -> list[Any]:
    """The figures and sparkline pictures of a grid answer."""
    from dash import dcc, html

    from tests.dashcalls import walk

    found = []
    for node in walk(frames):
        if isinstance(node, dcc.Graph):
            found.append(node.figure)
        elif isinstance(node, html.Img):
            found.append(node.src)
    return found


def sizes(value: Any) -> tuple[int, int]:
    """Bytes of `value` as Dash encodes it, raw and gzipped (level 6)."""
    from plotly.io.json import to_json_plotly

    raw = to_json_plotly(value).encode()
    return len(raw), len(gzip.compress(raw, 6))


def median_ms(draw: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        draw()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--old", default=OLD)
    args = parser.parse_args()
    from layouts import tilefigures

    ways = {"old": old_module(args.old), "by name": by_name(tilefigures), "new": tilefigures}
    stored = json.loads(VIEWS.read_text(encoding="utf-8"))
    for lang in ("zh", "en"):
        views = [v for k, v in sorted(stored.items()) if k.startswith("city_cockpit/") and k.endswith(f"/{lang}")]
        kinds = sorted(v["type"] for v in views)
        print(f"city cockpit ({lang}): {len(views)} tiles ({', '.join(f'{kinds.count(k)} {k}' for k in sorted(set(kinds)))})")
        found: dict[str, tuple[float, tuple[int, int], tuple[int, int], float]] = {}
        for name, figures in ways.items():
            frames = grid(views, lang, figures)
            ms = median_ms(lambda v=views, lg=lang, f=figures: grid(v, lg, f), args.runs)
            alone = median_ms(lambda v=views, lg=lang, f=figures: figures_only(v, lg, f), args.runs)
            found[name] = (ms, sizes(charts(frames)), sizes(frames), alone)
            (raw, packed), (answer, answer_packed), alone = found[name][1], found[name][2], found[name][3]
            print(
                f"  {name:<8} charts {alone:6.2f} ms, tile frames {ms:6.2f} ms | figures {raw / 1024:6.1f} KB ({packed / 1024:5.1f} KB gzipped)"
                f" | grid answer {answer / 1024:6.1f} KB ({answer_packed / 1024:5.1f} KB gzipped)"
            )
        old, new = found["old"], found["new"]
        print(
            f"  old/new: charts {old[3] / new[3]:4.1f}x faster, frames {old[0] / new[0]:4.1f}x faster, figures {old[1][0] / new[1][0]:4.2f}x smaller"
            f" ({old[1][1] / new[1][1]:4.2f}x gzipped), grid answer {old[2][0] / new[2][0]:4.2f}x smaller ({old[2][1] / new[2][1]:4.2f}x gzipped);"
            f" by name/new: charts {found['by name'][3] / new[3]:4.1f}x slower"
        )
    print(f"template per figure: old {len(json.dumps(ways['old'].WHITE))} B, new {len(json.dumps(tilefigures.TEMPLATE))} B (json.dumps)")
    indicator_page(args.old, args.runs)


def indicator_page(commit: str, runs: int) -> None:
    """The indicator page's charts (layouts/charts.py) of the stored calls: go.Figure then, dicts now."""
    from layouts import charts

    old = old_module(commit, "charts")
    cases = json.loads((ROOT / "tests" / "fixtures" / "figures" / "charts.json").read_text(encoding="utf-8"))["cases"]
    calls = [(c["call"], c["args"], c["kwargs"]) for c in cases.values()]

    def draw(module: types.ModuleType) -> list[Any]:
        return [getattr(module, call)(*args, **kwargs) for call, args, kwargs in calls]

    then, now = median_ms(lambda: draw(old), runs), median_ms(lambda: draw(charts), runs)
    (raw_then, packed_then), (raw_now, packed_now) = sizes(draw(old)), sizes(draw(charts))
    print(
        f"indicator page charts ({len(calls)} calls): old {then:6.2f} ms, new {now:5.2f} ms ({then / now:4.0f}x faster);"
        f" JSON {raw_then / 1024:6.1f} -> {raw_now / 1024:5.1f} KB ({raw_then / raw_now:4.2f}x smaller),"
        f" gzipped {packed_then / 1024:5.1f} -> {packed_now / 1024:4.1f} KB"
    )


if __name__ == "__main__":
    main()
