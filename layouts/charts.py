"""Plotly figures of indicator values: values in, a figure out (no I/O); colours follow red/amber/green status.

Figures are plain dicts, never go.Figure objects (validating a figure and copying its template cost more than
drawing it), sharing one prebuilt template, TEMPLATE; board tiles (layouts/tilefigures.py) use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.io as pio

from i18n import t

STATUS_COLORS = {"green": "#2e9d4d", "amber": "#e8a200", "red": "#d64541"}
NO_STATUS = "#6c7a89"
LINE = "#1f5fa8"
TARGET = "#495057"
BASELINE = "#8a63d2"
MEMBER_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d", "#eeca3b", "#bab0ac", "#ff9da6")
Row = Mapping[str, Any]
Figure = dict[str, Any]  # a figure as plain data, as dcc.Graph takes it
Trace = dict[str, Any]

DRAWN = ("bar", "heatmap", "pie", "scatter")  # the trace types our figures draw
UNUSED = ("coloraxis", "colorscale", "geo", "polar", "scene", "ternary")  # subplots we never draw; every scale is named


def _template() -> dict[str, Any]:
    """plotly_white with only what our figures use: its layout without the subplot kinds and colour scales none
    draws, and the defaults of the four trace types they draw (a heatmap names its own scale). Built once; shared
    by every figure, so never mutated."""
    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {k: v for k, v in white["layout"].items() if k not in UNUSED}
    data = {kind: [{k: v for k, v in entry.items() if k != "colorscale"} for entry in white["data"][kind]] for kind in DRAWN}
    return {"data": data, "layout": layout}


TEMPLATE: dict[str, Any] = _template()


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "", NO_STATUS)


def _figure(traces: list[Trace], height: int, **layout: Any) -> Figure:
    """An indicator page figure: its traces, the page's common layout and `layout`'s own parts."""
    return {
        "data": traces,
        "layout": {
            "template": TEMPLATE,
            "height": height,
            "margin": {"l": 48, "r": 16, "t": 40, "b": 40},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "hovermode": "x unified",
            "font": {"family": "system-ui, 'Noto Sans CJK SC', sans-serif", "size": 12},
            **layout,
        },
    }


def band(x0: float, x1: float) -> dict[str, Any]:
    """A baseline-coloured band the full height of the plot between x0 and x1 (what go.Figure.add_vrect draws)."""
    return dict(type="rect", x0=x0, x1=x1, xref="x", y0=0, y1=1, yref="y domain", fillcolor=BASELINE, opacity=0.08, line={"width": 0})


def level(y: float, text: str, width: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """A dotted baseline across the plot at `y`, and its label under its right end (what go.Figure.add_hline draws)."""
    line = dict(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", line={"dash": "dot", "width": width, "color": BASELINE})
    label = dict(text=text, showarrow=False, x=1, xanchor="right", xref="x domain", y=y, yanchor="top", yref="y", font={"color": BASELINE})
    return line, label


def _title(unit: str) -> dict[str, Any]:
    return {} if unit in ("", "ratio") else {"text": unit}


def member_series(rows: Sequence[Mapping[str, Any]], member: Callable[[Mapping[str, Any]], str]) -> dict[str, tuple[list[str], list[Any]]]:
    """Periods and values of each member (one line per member), in the order members first appear."""
    series: dict[str, tuple[list[str], list[Any]]] = {}
    for row in rows:
        xs, ys = series.setdefault(member(row), ([], []))
        xs.append(str(row["period"]))
        ys.append(row.get("value"))
    return series


def _hover(decimals: int, unit: str) -> str:
    suffix = "" if unit in ("", "ratio") else (unit if unit == "%" else f" {unit}")
    return f"%{{y:,.{decimals}f}}{suffix}"


def values_figure(
    rows: Sequence[Row],
    lang: str,
    *,
    decimals: int = 2,
    unit: str = "",
    breakdown: Sequence[Row] = (),
    by: str | None = None,
    baseline: float | None = None,
    baseline_periods: Sequence[str] = (),
    height: int = 380,
) -> Figure:
    """The value by period (markers coloured by status), one thin line per breakdown member, the target as a dashed
    step, and the baseline as a labelled horizontal line over a shaded band of the baseline period."""
    periods = [str(r["period"]) for r in rows]
    hover = _hover(decimals, unit)
    traces: list[Trace] = []
    if by:
        for index, (member, (xs, ys)) in enumerate(member_series(breakdown, lambda row: str(row.get(by))).items()):
            color = MEMBER_COLORS[index % len(MEMBER_COLORS)]
            line = {"width": 1.2, "color": color}
            traces.append(dict(type="scatter", x=xs, y=ys, name=member, mode="lines", line=line, opacity=0.55, hovertemplate=hover))
    few = len(rows) <= 120
    traces.append(
        {
            "type": "scatter",
            "x": periods,
            "y": [r.get("value") for r in rows],
            "name": t("ind.total", lang) if by else t("ind.value", lang),
            "mode": "lines+markers",
            "line": {"width": 2.5 if few else 1.5, "color": LINE},
            "marker": {
                "size": 8 if few else 4,
                "color": [status_color(r.get("status")) for r in rows],
                "line": {"width": 1, "color": "#fff"},
            },
            "hovertemplate": hover,
        }
    )
    if any(r.get("target") is not None for r in rows):
        step = {"dash": "dash", "width": 2, "color": TARGET, "shape": "hv"}
        targets = [r.get("target") for r in rows]
        name = t("ind.target", lang)
        traces.append(
            dict(type="scatter", x=periods, y=targets, name=name, mode="lines", line=step, hovertemplate=hover, connectgaps=False)
        )
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    inside = [i for i, p in enumerate(periods) if p in set(baseline_periods)]
    if inside:  # category positions: the band covers whole periods, half a step either side of their centres
        shapes.append(band(inside[0] - 0.5, inside[-1] + 0.5))
        x0, text = inside[0] - 0.5, t("ind.baseline_period", lang)
        notes.append(
            dict(text=text, showarrow=False, x=x0, xanchor="left", xref="x", y=1, yanchor="top", yref="y domain", font={"color": BASELINE})
        )
    if baseline is not None:
        line, label = level(baseline, f"{t('ind.baseline', lang)} {baseline:,.{decimals}f}", 2)
        shapes.append(line)
        notes.append(label)
    marks = ({"shapes": shapes} if shapes else {}) | ({"annotations": notes} if notes else {})
    axes = {
        "xaxis": {"type": "category", "title": {}, "nticks": 24},
        "yaxis": {"title": _title(unit), "tickformat": f",.{min(decimals, 3)}f"},
    }
    return _figure(traces, height, **axes, **marks)


def ranking_order(rows: Sequence[Row], direction: str | None) -> list[Row]:
    """Best first: the lowest value first when lower is better, else the highest; missing values last."""
    present = [r for r in rows if r.get("value") is not None]
    missing = [r for r in rows if r.get("value") is None]
    return sorted(present, key=lambda r: float(r["value"]), reverse=direction != "lower_is_better") + missing


def _rank_color(index: int, count: int, direction: str | None) -> str:
    """Without targets, colour by rank when a direction says what is better; one neutral colour otherwise."""
    if direction is None or count <= 1:
        return LINE
    share = index / (count - 1)
    return STATUS_COLORS["green"] if share < 1 / 3 else STATUS_COLORS["amber"] if share < 2 / 3 else STATUS_COLORS["red"]


def ranking_figure(
    rows: Sequence[Row], dimension: str, lang: str, *, direction: str | None = None, decimals: int = 2, unit: str = ""
) -> Figure:
    """Horizontal bars of one period by a dimension, best at the top, coloured by status (or by rank)."""
    ordered = ranking_order(rows, direction)
    has_status = any(r.get("status") for r in ordered)
    colors = [status_color(r.get("status")) if has_status else _rank_color(i, len(ordered), direction) for i, r in enumerate(ordered)]
    values = [r.get("value") for r in ordered]
    bars = {
        "type": "bar",
        "x": values,
        "y": [str(r.get(dimension)) for r in ordered],
        "orientation": "h",
        "marker": {"color": colors},
        "text": [f"{v:,.{decimals}f}" if v is not None else "" for v in values],
        "textposition": "auto",
        "hovertemplate": _hover(decimals, unit).replace("%{y", "%{x") + "<extra></extra>",
        "name": dimension,
    }
    marks: dict[str, Any] = {}
    targets = {float(r["target"]) for r in ordered if r.get("target") is not None}
    if len(targets) == 1:
        target = next(iter(targets))
        text = f"{t('ind.target', lang)} {target:,.{decimals}f}"
        line = dict(type="line", x0=target, x1=target, xref="x", y0=0, y1=1, yref="y domain", line={"dash": "dash", "color": TARGET})
        label = dict(text=text, showarrow=False, x=target, xanchor="center", xref="x", y=1, yanchor="bottom", yref="y domain")
        marks = {"shapes": [line], "annotations": [label]}
    axes = {"yaxis": {"autorange": "reversed", "type": "category", "title": {}}, "xaxis": {"title": _title(unit)}}
    return _figure([bars], max(220, 34 * len(ordered) + 80), **axes, **marks, hovermode="closest", showlegend=False)
