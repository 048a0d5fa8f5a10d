"""The tile views behind the figure fixtures, and the figures a checkout of the code draws from them.

Usage (run from any directory; --code is the checkout whose layouts/ draw, default this one):
  python bench/figureviews.py views [--scale 0.2] [--code DIR]
      seed the demo city, store every demo board's tile views as the leader sees them (zh and en) and a
      table of edge cases in tests/fixtures/figures/views.json
  python bench/figureviews.py capture --code DIR [--commit HASH]
      draw every stored view with the tile layouts of checkout DIR; store the figures (plotly figure JSON)
      and the KPI sparklines in tests/fixtures/figures/figures.json, the shared template once
  python bench/figureviews.py charts --code DIR [--commit HASH]
      the indicator page's trend and ranking (layouts/charts.py) of a table of cases, drawn by checkout DIR, in
      tests/fixtures/figures/charts.json (the calls and their figures, the template once)

To regenerate the fixtures from the go.Figure code: `git archive <hash> | tar -x -C /tmp/old`, then run both
commands with `--code /tmp/old` (the views from the old code too, so nothing of today's code is involved).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "figures"
LANGS = ("zh", "en")
DISTRICTS = {
    "dongcheng": ("东城区", "Dongcheng"),
    "xicheng": ("西城区", "Xicheng"),
    "gaoxin": ("高新区", "Gaoxin"),
    "nanhu": ("南湖区", "Nanhu"),
}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


def _use(code: Path) -> None:
    """Import the product from checkout `code` (its layouts/, i18n/ and the rest)."""
    sys.path.insert(0, str(code.resolve()))


def _labels(lang: str) -> dict[str, dict[str, str]]:
    return {"district": {k: v[0] if lang == "zh" else v[1] for k, v in DISTRICTS.items()}}


def _trend_rows(split: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, month in enumerate(MONTHS):
        if split:
            rows += [{"period": month, "district": d, "value": 10 + i + j * 3.5} for j, d in enumerate(DISTRICTS)]
        else:
            status = ("green", "amber", "red", None)[i % 4]
            value = None if i == 5 else 1234.5 + 37.25 * i
            rows.append({"period": month, "value": value, "target": 1500.0 if i > 1 else None, "status": status, "compare_value": 1300.0})
    return rows


def _ranked(statuses: bool, count: int) -> list[dict[str, Any]]:
    keys = list(DISTRICTS)[:count]
    values = [42.125, None, 17.5, 88.0][:count]
    return [
        {"period": "2025", "district": k, "value": v, **({"status": ("red", "green", "amber", "green")[i]} if statuses else {})}
        for i, (k, v) in enumerate(zip(keys, values, strict=True))
    ]


def edge_cases(lang: str) -> dict[str, dict[str, Any]]:
    """Views the demo boards do not show: every branch of the figure code (missing values, selections, no dimension)."""
    labels = _labels(lang)
    trend = {"rows": _trend_rows(False), "by": [], "decimals": 1, "compare": "baseline", "labels": {}}
    split = {"rows": _trend_rows(True), "by": ["district"], "decimals": 0, "labels": labels}
    periods = {"rows": [{"period": m, "value": 3.0 * i, "status": "green"} for i, m in enumerate(MONTHS[:4])], "by": [], "decimals": 2}
    parts = [{"period": "2025", "category": f"c{i}", "value": 100.0 - 9 * i} for i in range(8)] + [
        {"period": "2024", "category": "x", "value": 5.0}
    ]
    two = [
        {"period": "2025", "district": d, "channel": c, "value": 5.0 + j + 2 * k}
        for j, d in enumerate(DISTRICTS)
        for k, c in enumerate(("web", "hall"))
    ]
    heat = [[dow, hour, dow * 24 + hour] for dow in range(7) for hour in range(0, 24, 3) if (dow, hour) != (3, 6)] + [["x", 1, 9]]
    cases: dict[str, dict[str, Any]] = {
        "line_baseline_band": {"type": "line", "data": trend, "period": "2025-12", "baseline_periods": MONTHS[:3]},
        "line_split": {"type": "line", "data": split, "period": "2025-12"},
        "area_single": {"type": "area", "data": {**trend, "compare": None}, "period": "2025-12"},
        "area_split": {"type": "area", "data": split, "period": "2025-12"},
        "bar_periods": {"type": "bar", "data": periods, "period": "2025-04"},
        "bar_ranked_selected": {
            "type": "bar",
            "data": {"rows": _ranked(False, 4), "by": ["district"], "decimals": 2, "direction": "lower_is_better", "labels": labels},
            "period": "2025",
            "selected": {"tile": "t", "dimension": "district", "value": "xicheng"},
        },
        "bar_status_few": {
            "type": "bar",
            "data": {"rows": _ranked(True, 3), "by": ["district"], "decimals": 0, "labels": labels},
            "period": "2025",
        },
        "stacked_two_dims": {"type": "stacked", "data": {"rows": two, "by": ["district", "channel"], "labels": labels}, "period": "2025"},
        "stacked_periods": {"type": "stacked", "data": split, "period": "2025-12"},
        "stacked_no_dims": {"type": "stacked", "data": periods, "period": "2025-04"},
        "donut_other_selected": {
            "type": "donut",
            "data": {"rows": parts, "by": ["category"], "labels": {}},
            "period": "2025",
            "selected": {"tile": "t", "dimension": "category", "value": "c1"},
        },
        "donut_no_dims": {"type": "donut", "data": periods, "period": "2025-04"},
        "heatmap_gaps": {"type": "heatmap", "data": {"kind": "query", "columns": ["t.dow", "t.hour", "n"], "rows": heat}, "period": None},
    }
    return {f"case/{name}/{lang}": {"id": name, "title": name, "state": "ok", **view} for name, view in cases.items()}


def demo_views(scale: float) -> dict[str, dict[str, Any]]:
    """Every demo board's tile views, as the leader sees them with the board's own filters."""
    from app import create_app
    from callbacks.boardtiles import tile_views
    from demo.boards import BOARDS
    from demo.seed import seed_if_empty
    from tests.conftest import make_settings
    from tests.dashcalls import signed_in

    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, scale, echo=lambda _m: None)
    found: dict[str, dict[str, Any]] = {}
    for board in BOARDS:
        for lang in LANGS:
            with signed_in(app, "leader", lang) as who:
                for view in tile_views(who, board["id"], None, {}, None, lang) or []:
                    found[f"{board['id']}/{view['id']}/{lang}"] = view
    rt.close()
    return found


def _walk(node: Any) -> Iterator[Any]:
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif node is not None and hasattr(node, "to_plotly_json"):
        yield node
        yield from _walk(getattr(node, "children", None))


def drawn(view: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """What a tile body draws from `view`: its plotly figure, or a KPI card's sparkline picture."""
    from dash import dcc, html

    from layouts import tiles

    for node in _walk(tiles.body(view, lang)):
        if isinstance(node, dcc.Graph):
            figure: dict[str, Any] = json.loads(json.dumps(node.figure))
            return {"figure": figure}
        if isinstance(node, html.Img) and "kpi-spark" in str(getattr(node, "className", "")):
            return {"spark": node.src}
    return None


def capture(commit: str) -> None:
    """Draw every stored view; the template every figure carries is stored once (a capture fails if they differ)."""
    views = json.loads((FIXTURES / "views.json").read_text(encoding="utf-8"))
    figures: dict[str, Any] = {}
    template: Any = None
    for key, view in views.items():
        out = drawn(view, key.rsplit("/", 1)[1])
        if out is None:
            continue
        if "figure" in out:
            own = out["figure"]["layout"].pop("template", None)
            if template is not None and own != template:
                raise SystemExit(f"{key}: a template unlike the other figures'")
            template = own
        figures[key] = out
    body = {"commit": commit, "template": template, "figures": figures}
    (FIXTURES / "figures.json").write_text(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(figures)} figures and sparklines from {len(views)} views (code at {commit})")


def chart_calls(lang: str) -> dict[str, dict[str, Any]]:
    """The indicator page's charts (values_figure, ranking_figure) called with every branch of their arguments."""
    rows = _trend_rows(False)
    split = _trend_rows(True)
    untargeted = [{**r, "target": None} for r in rows]
    long = [{"period": f"d{i:03d}", "value": float(i % 17), "status": None} for i in range(150)]
    ranked = [{**r, "target": 50.0} for r in _ranked(True, 4)]
    mixed = [{**r, "target": 10.0 * i} for i, r in enumerate(_ranked(False, 4))]
    unit = "辆" if lang == "zh" else "vehicles"
    calls: dict[str, tuple[str, list[Any], dict[str, Any]]] = {
        "values_plain": ("values_figure", [rows, lang], {"decimals": 1, "unit": unit}),
        "values_percent": ("values_figure", [rows, lang], {"decimals": 2, "unit": "%"}),
        "values_ratio_untargeted": ("values_figure", [untargeted, lang], {"decimals": 4, "unit": "ratio"}),
        "values_breakdown": ("values_figure", [rows, lang], {"decimals": 0, "breakdown": split, "by": "district"}),
        "values_baseline": (
            "values_figure",
            [rows, lang],
            {"decimals": 1, "unit": unit, "baseline": 1300.0, "baseline_periods": MONTHS[:3]},
        ),
        "values_long": ("values_figure", [long, lang], {}),
        "ranking_status_target": ("ranking_figure", [ranked, "district", lang], {"decimals": 1, "unit": "%"}),
        "ranking_rank_colours": ("ranking_figure", [mixed, "district", lang], {"direction": "lower_is_better", "unit": unit}),
        "ranking_one": ("ranking_figure", [mixed[:1], "district", lang], {"decimals": 0}),
    }
    return {f"{name}/{lang}": {"call": call, "args": args, "kwargs": kwargs} for name, (call, args, kwargs) in calls.items()}


def capture_charts(commit: str) -> None:
    """Call the indicator page's chart functions of the checkout in use; store calls and figures, the template once."""
    from layouts import charts

    cases = {k: v for lang in LANGS for k, v in chart_calls(lang).items()}
    template: Any = None
    for key, case in cases.items():
        figure = getattr(charts, case["call"])(*case["args"], **case["kwargs"])
        plain = json.loads(json.dumps(figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure))
        own = plain["layout"].pop("template", None)
        if template is not None and own != template:
            raise SystemExit(f"{key}: a template unlike the other figures'")
        template, case["figure"] = own, plain
    body = {"commit": commit, "template": template, "cases": cases}
    (FIXTURES / "charts.json").write_text(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(cases)} indicator charts (code at {commit})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("views", "capture", "charts"))
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--commit", default="")
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    _use(args.code)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    if args.what == "capture":
        capture(args.commit)
        return
    if args.what == "charts":
        capture_charts(args.commit)
        return
    views = demo_views(args.scale)
    for lang in LANGS:
        views |= edge_cases(lang)
    text = json.dumps(views, ensure_ascii=False, indent=1, sort_keys=True)  # fails on anything that is not plain JSON
    (FIXTURES / "views.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(views)} views")


if __name__ == "__main__":
    main()
