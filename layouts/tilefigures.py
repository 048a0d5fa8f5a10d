"""Board tile charts as plain figure data (dcc.Graph takes them without plotly building figure objects): trends,
rankings, stacked bars, donuts and week-by-hour heatmaps, coloured by status and member.

Every figure is a dict built here, never a go.Figure: validating a figure and copying its template cost a board
render more than its numbers did. The look is one prebuilt template (layouts/charts.TEMPLATE), shared by every
figure; the tests check each figure against what the go.Figure code drew (tests/test_figure_dicts.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.colors

from i18n import t
from layouts.charts import LINE, MEMBER_COLORS, STATUS_COLORS, TARGET, TEMPLATE, band, level, member_series, ranking_order, status_color

View = Mapping[str, Any]  # a tile view (layouts/tiles.py)
Row = Mapping[str, Any]
FigureDict = dict[str, Any]  # a figure as plain data, as dcc.Graph takes it
Trace = dict[str, Any]

BLUES: list[list[Any]] = [[i / (len(plotly.colors.sequential.Blues) - 1), c] for i, c in enumerate(plotly.colors.sequential.Blues)]
FONT = "system-ui, 'Noto Sans CJK SC', sans-serif"


DONUT_PARTS = 6


WEEK_ORDER = (1, 2, 3, 4, 5, 6, 0)  # DuckDB dow: Sunday is 0; boards read Monday first


# -- figures --------------------------------------------------------------------------------------------
def _figure(traces: list[Trace], legend: bool = False, **layout: Any) -> FigureDict:
    """A tile figure: its traces, the tiles' common layout (small margins, a legend above) and `layout`'s own parts."""
    return {
        "data": traces,
        "layout": {
            "autosize": True,
            "margin": {"l": 44, "r": 12, "t": 8, "b": 28},
            "showlegend": legend,
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 11}},
            "font": {"family": FONT, "size": 11},
            "hovermode": "closest",
            "paper_bgcolor": "rgba(0,0,0,0)",
            "template": TEMPLATE,
            **layout,
        },
    }


def _shown(data: Mapping[str, Any], dimension: str, value: Any) -> str:
    """A member as the viewer reads it (the callback's value labels: district names, road classes)."""
    text = str(value)
    return str((data.get("labels") or {}).get(dimension, {}).get(text, text))


def cell(data: Mapping[str, Any], key: str, value: Any, dims: Sequence[str]) -> Any:
    return _shown(data, key, value) if key in dims and value is not None else value


def _rows_of(data: Mapping[str, Any], period: str | None) -> list[Row]:
    """The rows of one period (the latest complete one, which the callback found): rankings and parts read one period."""
    return [r for r in data.get("rows") or [] if r.get("period") == period]


def _filled(trace: Trace, area: bool) -> Trace:
    return {**trace, "fill": "tozeroy"} if area else trace


def _trend_traces(data: Mapping[str, Any], rows: list[Row], lang: str, area: bool) -> list[Trace]:
    """One line per member when split; else the value (markers coloured by status) and the target as a dashed step."""
    by = list(data.get("by") or [])
    if by:
        series = member_series(rows, lambda row: " · ".join(_shown(data, d, row.get(d)) for d in by))
        return [
            _filled(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": ys,
                    "name": member,
                    "mode": "lines",
                    "line": {"width": 1.6, "color": MEMBER_COLORS[i % len(MEMBER_COLORS)]},
                },
                area,
            )
            for i, (member, (xs, ys)) in enumerate(series.items())
        ]
    decimals = int(data.get("decimals", 2))
    periods = [str(r["period"]) for r in rows]
    traces = [
        _filled(
            {
                "type": "scatter",
                "x": periods,
                "y": [r.get("value") for r in rows],
                "name": t("ind.value", lang),
                "mode": "lines+markers",
                "line": {"width": 2.2, "color": LINE},
                "marker": {"size": 6, "color": [status_color(r.get("status")) for r in rows]},
                "hovertemplate": f"%{{x}}: %{{y:,.{decimals}f}}<extra></extra>",
            },
            area,
        )
    ]
    if any(r.get("target") is not None for r in rows):
        traces.append(
            {
                "type": "scatter",
                "x": periods,
                "y": [r.get("target") for r in rows],
                "name": t("ind.target", lang),
                "mode": "lines",
                "line": {"dash": "dash", "width": 1.6, "color": TARGET, "shape": "hv"},
            }
        )
    return traces


def trend_figure(view: View, lang: str, area: bool) -> FigureDict:
    """Value by period (one line per member when split), the target as a dashed step, the baseline as a dotted
    line, and the baseline period as a shaded band."""
    data = view["data"]
    rows, by = list(data.get("rows") or []), list(data.get("by") or [])
    decimals = int(data.get("decimals", 2))
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    marked = set(view.get("baseline_periods") or [])
    inside = [i for i, p in enumerate(dict.fromkeys(str(r["period"]) for r in rows)) if p in marked]
    if inside:
        shapes.append(band(inside[0] - 0.5, inside[-1] + 0.5))
    baseline = next(
        (r.get("compare_value") for r in rows if data.get("compare") == "baseline" and r.get("compare_value") is not None), None
    )
    if baseline is not None:
        line, label = level(baseline, f"{t('ind.baseline', lang)} {baseline:,.{decimals}f}", 1.6)
        shapes.append(line)
        notes.append(label)
    marks = {"shapes": shapes} if shapes else {}
    marks |= {"annotations": notes} if notes else {}
    legend = bool(by) or any(r.get("target") is not None for r in rows)
    return _figure(_trend_traces(data, rows, lang, area), legend, xaxis={"type": "category", "nticks": 12}, **marks)


def _rank_colors(rows: Sequence[Row], direction: str | None) -> list[str]:
    if any(r.get("status") for r in rows):
        return [status_color(r.get("status")) for r in rows]
    if direction is None or len(rows) <= 1:
        return [LINE] * len(rows)
    share = [i / (len(rows) - 1) for i in range(len(rows))]
    return [STATUS_COLORS["green"] if s < 1 / 3 else STATUS_COLORS["amber"] if s < 2 / 3 else STATUS_COLORS["red"] for s in share]


def bar_figure(data: Mapping[str, Any], period: str | None, selected: Mapping[str, Any] | None = None) -> FigureDict:
    """A ranking of the latest period by the first dimension, best first (direction-aware colours); without a
    dimension, one bar per period. Clicking a bar cross-filters the other tiles by its member."""
    by = list(data.get("by") or [])
    decimals = int(data.get("decimals", 2))
    if not by:
        rows = list(data.get("rows") or [])
        bars = {
            "type": "bar",
            "x": [str(r["period"]) for r in rows],
            "y": [r.get("value") for r in rows],
            "marker": {"color": [status_color(r.get("status")) for r in rows]},
        }
        return _figure([bars], xaxis={"type": "category"})
    dimension = by[0]
    rows = ranking_order(_rows_of(data, period), data.get("direction"))
    members = [str(r.get(dimension)) for r in rows]
    chosen = str(selected.get("value")) if selected and selected.get("dimension") == dimension else None
    values = [r.get("value") for r in rows]
    ranked = {
        "type": "bar",
        "x": values,
        "y": [_shown(data, dimension, m) for m in members],
        "orientation": "h",
        "marker": {"color": _rank_colors(rows, data.get("direction")), "opacity": [1.0 if chosen in (None, m) else 0.3 for m in members]},
        "customdata": [[dimension, m, _shown(data, dimension, m)] for m in members],  # stored value, and as read
        "text": [f"{v:,.{decimals}f}" if v is not None else "" for v in values],
        "textposition": "auto",
        "hovertemplate": f"%{{y}}: %{{x:,.{decimals}f}}<extra></extra>",
    }
    return _figure([ranked], yaxis={"range": [max(len(members), 5) - 0.5, -0.5], "type": "category"})  # best on top; few bars stay slim


def stacked_figure(data: Mapping[str, Any], period: str | None) -> FigureDict:
    """Two dimensions: the latest period, the first along the axis and the second stacked; one dimension: periods
    along the axis, members stacked."""
    by = list(data.get("by") or [])
    if len(by) >= 2:
        rows, axis, stack = _rows_of(data, period), by[0], by[1]
    else:
        rows, axis, stack = list(data.get("rows") or []), "period", (by[0] if by else None)
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        groups.setdefault(_shown(data, stack, row.get(stack)) if stack else "", {})[str(row.get(axis))] = row.get("value")
    traces = []
    for index, (member, points) in enumerate(groups.items()):
        trace = {
            "type": "bar",
            "x": [_shown(data, axis, x) for x in points],
            "y": list(points.values()),
            "name": member,
            "marker": {"color": MEMBER_COLORS[index % len(MEMBER_COLORS)]},
        }
        if axis != "period":
            trace["customdata"] = [[axis, x, _shown(data, axis, x)] for x in points]
        traces.append(trace)
    return _figure(traces, bool(stack), barmode="stack", xaxis={"type": "category"})


def donut_parts(rows: Sequence[Row], dimension: str, other: str) -> list[tuple[str, float]]:
    """At most DONUT_PARTS parts, largest first: the five largest members and the rest together."""
    parts = sorted(((str(r.get(dimension)), float(r["value"])) for r in rows if r.get("value") is not None), key=lambda p: -p[1])
    if len(parts) <= DONUT_PARTS:
        return parts
    head = parts[: DONUT_PARTS - 1]
    return [*head, (other, sum(v for _, v in parts[DONUT_PARTS - 1 :]))]


def donut_figure(data: Mapping[str, Any], period: str | None, lang: str, selected: Mapping[str, Any] | None = None) -> FigureDict:
    by = list(data.get("by") or [])
    other = t("tile.other", lang)
    parts = donut_parts(_rows_of(data, period), by[0], other) if by else []
    labels = [p[0] for p in parts]
    chosen = str(selected.get("value")) if selected and by and selected.get("dimension") == by[0] else None
    pie: Trace = {
        "type": "pie",
        "labels": [_shown(data, by[0], label) if label != other else label for label in labels],
        "values": [p[1] for p in parts],
        "hole": 0.55,
        "sort": False,
        "marker": {"colors": [MEMBER_COLORS[i % len(MEMBER_COLORS)] for i in range(len(parts))]},
        "pull": [0.08 if chosen == label else 0 for label in labels],
        "textinfo": "percent",
        "hovertemplate": "%{label}: %{value:,}<extra></extra>",
    }
    if by:
        pie["customdata"] = [[by[0], label, _shown(data, by[0], label)] if label != other else [None, None] for label in labels]
    return _figure([pie], legend=True)


def heatmap_figure(data: Mapping[str, Any], lang: str) -> FigureDict:
    """Weekday × hour from a query with `<time>.dow` and `<time>.hour` dimensions (Monday first)."""
    columns = [str(c) for c in data.get("columns") or []]
    dow = next((i for i, c in enumerate(columns) if c.endswith(".dow")), 0)
    hour = next((i for i, c in enumerate(columns) if c.endswith(".hour")), 1)
    value = next((i for i in range(len(columns)) if i not in (dow, hour)), 2)
    cells: dict[tuple[int, int], Any] = {}
    for row in data.get("rows") or []:
        try:
            cells[(int(row[dow]), int(row[hour]))] = row[value]
        except (TypeError, ValueError, IndexError):
            continue
    names = t("tile.weekdays", lang).split(",")
    heat = {
        "type": "heatmap",
        "z": [[cells.get((d, h)) for h in range(24)] for d in WEEK_ORDER],
        "x": [f"{h:02d}" for h in range(24)],
        "y": [names[d] for d in WEEK_ORDER],
        "colorscale": BLUES,
        "hovertemplate": "%{y} %{x}:00 — %{z:,}<extra></extra>",
        "colorbar": {"thickness": 10},
    }
    return _figure([heat], yaxis={"autorange": "reversed", "type": "category"}, xaxis={"type": "category", "nticks": 12})
