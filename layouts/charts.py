"""Plotly figures of indicator values: values in, a figure out (no I/O); colours follow red/amber/green status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from i18n import t

STATUS_COLORS = {"green": "#2e9d4d", "amber": "#e8a200", "red": "#d64541"}
NO_STATUS = "#6c7a89"
LINE = "#1f5fa8"
TARGET = "#495057"
BASELINE = "#8a63d2"
MEMBER_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d", "#eeca3b", "#bab0ac", "#ff9da6")
Row = Mapping[str, Any]


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "", NO_STATUS)


def _base_layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 48, "r": 16, "t": 40, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
        font={"family": "system-ui, 'Noto Sans CJK SC', sans-serif", "size": 12},
    )
    return fig


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
) -> go.Figure:
    """The value by period (markers coloured by status), one thin line per breakdown member, the target as a dashed
    step, and the baseline as a labelled horizontal line over a shaded band of the baseline period."""
    fig = go.Figure()
    periods = [str(r["period"]) for r in rows]
    hover = _hover(decimals, unit)
    if by:
        for index, (member, (xs, ys)) in enumerate(member_series(breakdown, lambda row: str(row.get(by))).items()):
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    name=member,
                    mode="lines",
                    line={"width": 1.2, "color": MEMBER_COLORS[index % len(MEMBER_COLORS)]},
                    opacity=0.55,
                    hovertemplate=hover,
                )
            )
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=[r.get("value") for r in rows],
            name=t("ind.total", lang) if by else t("ind.value", lang),
            mode="lines+markers",
            line={"width": 2.5 if len(rows) <= 120 else 1.5, "color": LINE},
            marker={
                "size": 8 if len(rows) <= 120 else 4,
                "color": [status_color(r.get("status")) for r in rows],
                "line": {"width": 1, "color": "#fff"},
            },
            hovertemplate=hover,
        )
    )
    if any(r.get("target") is not None for r in rows):
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=[r.get("target") for r in rows],
                name=t("ind.target", lang),
                mode="lines",
                line={"dash": "dash", "width": 2, "color": TARGET, "shape": "hv"},
                hovertemplate=hover,
                connectgaps=False,
            )
        )
    inside = [i for i, p in enumerate(periods) if p in set(baseline_periods)]
    if inside:  # category positions: the band covers whole periods, half a step either side of their centres
        fig.add_vrect(
            x0=inside[0] - 0.5,
            x1=inside[-1] + 0.5,
            fillcolor=BASELINE,
            opacity=0.08,
            line_width=0,
            annotation_text=t("ind.baseline_period", lang),
            annotation_position="top left",
            annotation_font_color=BASELINE,
        )
    if baseline is not None:
        fig.add_hline(
            y=baseline,
            line={"dash": "dot", "width": 2, "color": BASELINE},
            annotation_text=f"{t('ind.baseline', lang)} {baseline:,.{decimals}f}",
            annotation_position="bottom right",
            annotation_font_color=BASELINE,
        )
    fig.update_xaxes(type="category", title=None, nticks=24)
    fig.update_yaxes(title=None if unit in ("", "ratio") else unit, tickformat=f",.{min(decimals, 3)}f")
    return _base_layout(fig, 380)


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
) -> go.Figure:
    """Horizontal bars of one period by a dimension, best at the top, coloured by status (or by rank)."""
    ordered = ranking_order(rows, direction)
    has_status = any(r.get("status") for r in ordered)
    colors = [status_color(r.get("status")) if has_status else _rank_color(i, len(ordered), direction) for i, r in enumerate(ordered)]
    values = [r.get("value") for r in ordered]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[str(r.get(dimension)) for r in ordered],
            orientation="h",
            marker={"color": colors},
            text=[f"{v:,.{decimals}f}" if v is not None else "" for v in values],
            textposition="auto",
            hovertemplate=_hover(decimals, unit).replace("%{y", "%{x") + "<extra></extra>",
            name=dimension,
        )
    )
    targets = {float(r["target"]) for r in ordered if r.get("target") is not None}
    if len(targets) == 1:
        target = next(iter(targets))
        fig.add_vline(
            x=target,
            line={"dash": "dash", "color": TARGET},
            annotation_text=f"{t('ind.target', lang)} {target:,.{decimals}f}",
            annotation_position="top",
        )
    fig.update_yaxes(autorange="reversed", type="category", title=None)
    fig.update_xaxes(title=None if unit in ("", "ratio") else unit)
    fig = _base_layout(fig, max(220, 34 * len(ordered) + 80))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
