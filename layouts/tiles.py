"""Board tiles as pure components: a frame per tile (a head to drag it by, a body by type and state).

A tile view is plain data the board callback computes for the viewer (see callbacks/boardtiles.py); the
same view always gives the same tree. Every user-written text (titles, markdown, dimension members,
cell values) is rendered as text: markdown goes through `safe_markdown` and dcc.Markdown without HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from i18n import TEXT, t
from layouts import ids
from layouts.charts import BASELINE, LINE, MEMBER_COLORS, STATUS_COLORS, TARGET, member_series, ranking_order, status_color
from layouts.common import grid_words
from layouts.indicators import fmt_change, fmt_pct, fmt_value, unit_label

FigureDict = dict[str, Any]  # a figure as plain data, as dcc.Graph takes it
SPARK_WIDTH, SPARK_HEIGHT = 100, 30  # the sparkline's drawing box; the picture stretches to the card
WHITE: dict[str, Any] = pio.templates["plotly_white"].to_plotly_json()  # read once, shared by every tile figure

View = Mapping[str, Any]
Row = Mapping[str, Any]
DONUT_PARTS = 6
GRAPH_CONFIG: Any = {"displayModeBar": False, "responsive": True}
WEEK_ORDER = (1, 2, 3, 4, 5, 6, 0)  # DuckDB dow: Sunday is 0; boards read Monday first
SAFE_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,300})\]\((https?://[^\s()<>\"']+|/[^\s()<>\"']*|#[\w-]*)\)")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def dom_id(tile_id: str) -> str:
    """The grid child's id: tile ids are prefixed so that no tile can collide with a page component id."""
    return ids.TILE_PREFIX + tile_id


# -- safe markdown ------------------------------------------------------------------------------------
def _neutralise(text: str) -> str:
    """Keep only links to http(s) or relative targets; every other `[` and `]` is escaped and every
    `<` becomes an entity, so no other link, image, reference or autolink can form (entity-encoded schemes
    included, since entities are decoded only after parsing), and a bare `mailto:` is not linkified."""
    kept: list[str] = []

    def inert(part: str) -> str:
        return re.sub(r"(?i)\b(mailto):", r"\1&#58;", part.replace("<", "&lt;"))

    def keep(match: re.Match[str]) -> str:
        kept.append(f"[{inert(match.group(2))}]({match.group(3)})")  # an image becomes a plain link
        return f"\ue000{len(kept) - 1}\ue001"

    text = inert(re.sub(r"([\[\]])", r"\\\1", SAFE_LINK.sub(keep, text)))
    return PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)


def safe_markdown(text: str) -> str:
    """Markdown a viewer may safely render: HTML stays text (dcc.Markdown without HTML), links other than
    http(s) and relative ones lose their link (their text stays), images become links. Code is not treated
    specially (a board note is prose), so no guess about where code ends can let a link through."""
    return _neutralise(text.replace("\ue000", "").replace("\ue001", ""))


# -- frame and states ---------------------------------------------------------------------------------
def _head(view: View, lang: str) -> html.Div:
    actions: list[Any] = []
    exports = view.get("exports")
    if exports:
        actions += [
            html.A(t("tile.csv", lang), href=exports["csv"], className="tile-action tile-export", download=""),
            html.A(t("tile.xlsx", lang), href=exports["xlsx"], className="tile-action tile-export", download=""),
        ]
    if view.get("editable"):
        label = t("tile.remove", lang)
        aria: dict[str, Any] = {"aria-label": label}
        actions.append(
            html.Button(
                "×", id={"type": ids.BOARD_REMOVE, "tile": view["id"]}, className="tile-action tile-remove edit-only", title=label, **aria
            )
        )
    return html.Div(
        [
            html.Div(
                [
                    html.Span(view.get("title") or _untitled(view["type"], lang), className="tile-title"),
                    html.Span(t("tile.draft", lang), className="badge bg-warning text-dark tile-draft") if view.get("draft") else None,
                    _subtitle(view, lang),
                ],
                className="tile-heading",
            ),
            html.Div(actions, className="tile-actions"),
        ],
        className="tile-head",
    )


def _untitled(kind: str, lang: str) -> str:
    return t(f"tile.type.{kind}", lang) if f"tile.type.{kind}" in TEXT else t("tile.untitled", lang)


def _subtitle(view: View, lang: str) -> html.Span:
    """The period a one-period tile shows (KPI, ranking, parts); trends and tables show their own axis. A timeless
    indicator's one period reads as "all data", not filtered by the board's dates."""
    data, kind = view.get("data") or {}, view["type"]
    if data.get("timeless") and view.get("state") == "ok":
        return html.Span(t("tile.timeless", lang), className="tile-sub tile-timeless")
    by = data.get("by") or []
    one_period = kind == "kpi" or (kind in ("bar", "donut") and len(by) >= 1) or (kind == "stacked" and len(by) >= 2)
    period = view.get("period") or "" if view.get("state") == "ok" and one_period else ""
    return html.Span(period, className="tile-sub")


def _state(kind: str, text: str, detail: str = "") -> html.Div:
    return html.Div(
        [html.Div(text, className="tile-state-text"), html.Div(detail, className="tile-state-detail small") if detail else None],
        className=f"tile-state tile-state-{kind}",
    )


def loading(lang: str) -> html.Div:
    return html.Div(
        [html.Div(className="tile-skeleton"), html.Div(t("tile.loading", lang), className="tile-state-text")],
        className="tile-state tile-state-loading",
    )


def body(view: View, lang: str) -> Any:
    """The body for the tile's state; the designed states carry no data."""
    state = view.get("state")
    if state == "loading":
        return loading(lang)
    if state == "no_access":
        return _state("no-access", t("tile.no_access", lang))
    if state == "not_found":
        return _state("not-found", t("tile.not_found", lang))
    if state == "not_certified":
        return _state("not-certified", t("tile.not_certified", lang), t("tile.not_certified_detail", lang))
    if state == "error":
        return _state("error", t("tile.error", lang), str(view.get("message") or ""))
    if view["type"] == "text":
        return dcc.Markdown(
            safe_markdown(str(view.get("text") or "")), dangerously_allow_html=False, link_target="_blank", className="tile-text"
        )
    if state == "empty":
        return _state("empty", t("tile.empty", lang))
    return _content(view, lang)


def frame(view: View, lang: str) -> html.Div:
    """One grid child: `height: 100%` so a responsive graph follows the tile when it is resized."""
    return html.Div(
        [_head(view, lang), html.Div(body(view, lang), className="tile-body")],
        id=dom_id(view["id"]),
        className=f"board-tile tile-{view['type']} tile-is-{view.get('state', 'ok')}",
        style={"height": "100%"},
    )


def missing(lang: str) -> html.Div:
    """The whole grid when the board cannot be opened: the same answer for missing and forbidden."""
    return html.Div(_state("not-found", t("board.not_found", lang)), id=ids.BOARD_MISSING, className="board-tile", style={"height": "100%"})


# -- bodies by type -----------------------------------------------------------------------------------
def _content(view: View, lang: str) -> Any:
    kind, data = view["type"], view["data"]
    if kind == "kpi":
        return kpi(view, lang)
    if kind == "table":
        return table(view["id"], data, lang)
    figures = {
        "line": lambda: trend_figure(view, lang, area=False),
        "area": lambda: trend_figure(view, lang, area=True),
        "bar": lambda: bar_figure(data, view.get("period"), view.get("selected")),
        "stacked": lambda: stacked_figure(data, view.get("period")),
        "donut": lambda: donut_figure(data, view.get("period"), lang, view.get("selected")),
        "heatmap": lambda: heatmap_figure(data, lang),
    }
    if kind not in figures:
        return _state("error", t("tile.error", lang))
    return dcc.Graph(
        id=view.get("graph_id") or {"type": ids.BOARD_GRAPH, "tile": view["id"]},  # board graphs cross-filter; others name their own
        figure=figures[kind](),
        config=GRAPH_CONFIG,
        responsive=True,
        className="tile-graph",
        style={"height": "100%", "width": "100%"},
    )


def _change(change: Any, pct: Any, direction: str | None, change_unit: Any, lang: str) -> tuple[str, str]:
    """▲3.2 个百分点 for a percent indicator, ▲12.5% for the others, coloured by whether the move is good."""
    if change is None:
        return "—", "text-muted"
    better = (change < 0) if direction == "lower_is_better" else (change > 0) if direction == "higher_is_better" else None
    color = "text-muted" if change == 0 or better is None else "text-success" if better else "text-danger"
    return fmt_change(change, pct, change_unit, lang), color


def kpi(view: View, lang: str) -> html.Div:
    """Value and unit, red/amber/green status, target and attainment bar, change against the comparison and
    the baseline, a sparkline and when the data was loaded; the value drills down when a target is given."""
    data = view["data"]
    decimals, unit, direction = int(data.get("decimals", 2)), unit_label(data.get("unit"), lang), data.get("direction")
    row: Mapping[str, Any] = next((r for r in data.get("rows") or [] if r.get("period") == view.get("period")), {})
    status = row.get("status")
    value: Any = html.Div(fmt_value(row.get("value"), decimals, unit), className="kpi-number")
    if view.get("drill"):
        value = dcc.Link(value, href=view["drill"], className="kpi-drill", title=t("tile.drill", lang))
    changes = []
    if data.get("compare"):
        text, color = _change(row.get("change"), row.get("change_pct"), direction, data.get("change_unit"), lang)
        changes.append(
            html.Div(
                [
                    html.Span(t("tile.vs", lang, compare=t(f"compare.{data['compare']}", lang)), className="text-muted me-1"),
                    html.Span(text, className=color),
                ],
                className="kpi-change",
            )
        )
    for note in data.get("notes") or []:  # a comparison asked of a timeless indicator: why there is none
        if note.get("code") == "values.timeless_compare":
            changes.append(html.Div(note.get("message_en" if lang == "en" else "message_zh"), className="kpi-change kpi-omitted small"))
    baseline = view.get("baseline")
    if baseline and data.get("compare") != "baseline":
        text, color = _change(baseline.get("change"), baseline.get("change_pct"), direction, data.get("change_unit"), lang)
        changes.append(
            html.Div(
                [
                    html.Span(t("tile.vs", lang, compare=t("compare.baseline", lang)), className="text-muted me-1"),
                    html.Span(text, className=color),
                ],
                className="kpi-change kpi-baseline",
            )
        )
    attainment = row.get("attainment")
    bar = (
        dbc.Progress(
            value=max(0.0, min(float(attainment), 1.0)) * 100,
            color={"green": "success", "amber": "warning", "red": "danger"}.get(status or "", "secondary"),
            className="kpi-attainment-bar",
        )
        if attainment is not None
        else None
    )
    light = t(f"light.{status}", lang) if status in STATUS_COLORS else t("light.none", lang)
    spark = view.get("spark") or []
    return html.Div(
        [
            html.Div(
                [value, html.Span(light, className=f"kpi-light kpi-light-{status or 'none'}")],
                className="kpi-top",
            ),
            html.Div(
                [
                    html.Span(t("tile.target", lang, value=fmt_value(row.get("target"), decimals, unit)), className="me-2"),
                    html.Span(t("tile.attainment", lang, value=fmt_pct(attainment))),
                ],
                className="kpi-target small text-muted",
            ),
            bar,
            *changes,
            spark_image(spark) if len(spark) > 1 else html.Div(className="kpi-spark"),
            html.Div(
                t("tile.updated", lang, at=view["freshness"]) if view.get("freshness") else "", className="kpi-fresh small text-muted"
            ),
        ],
        className=f"kpi kpi-status-{status or 'none'}",
    )


def table(tile_id: str, data: Mapping[str, Any], lang: str) -> dag.AgGrid:
    """Rows as text cells (ag-grid renders values, never HTML); query columns are keyed c0, c1… since names may hold dots."""
    if data.get("kind") == "query":
        columns = list(data.get("columns") or [])
        defs = [{"field": f"c{i}", "headerName": str(name)} for i, name in enumerate(columns)]
        rows = [{f"c{i}": v for i, v in enumerate(row)} for row in data.get("rows") or []]
    else:
        dims = list(data.get("by") or [])
        keys = ["period", *dims, "value", "target", "attainment", "status"]
        labels = {
            "period": t("ind.period", lang),
            "value": t("ind.value", lang),
            "target": t("ind.target", lang),
            "attainment": t("ind.attainment", lang),
            "status": t("ind.status", lang),
        }
        defs = [{"field": f"c{i}", "headerName": labels.get(k, k)} for i, k in enumerate(keys)]
        lights = {"green": t("light.green", lang), "amber": t("light.amber", lang), "red": t("light.red", lang)}
        rows = [
            {f"c{i}": lights.get(r.get(k) or "", "") if k == "status" else _cell(data, k, r.get(k), dims) for i, k in enumerate(keys)}
            for r in data.get("rows") or []
        ]
    return dag.AgGrid(
        id={"type": ids.BOARD_TABLE, "tile": tile_id},
        rowData=rows,
        columnDefs=defs,
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 90, "flex": 1},
        className="ag-theme-alpine tile-table",
        dashGridOptions=grid_words(lang),
        style={"height": "100%", "width": "100%"},
    )


# -- figures --------------------------------------------------------------------------------------------
def _figure(*traces: Any) -> go.Figure:
    """A figure without plotly's default template: go.Figure deep-copies (and validates) a template for every
    figure, which was most of a board's render time; the look comes from WHITE, added once as data (_layout)."""
    return go.Figure(data=list(traces), layout={"template": {}})


def _layout(fig: go.Figure, legend: bool = False) -> FigureDict:
    fig.update_layout(
        autosize=True,
        margin={"l": 44, "r": 12, "t": 8, "b": 28},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 11}},
        font={"family": "system-ui, 'Noto Sans CJK SC', sans-serif", "size": 11},
        hovermode="closest",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    drawn: FigureDict = fig.to_plotly_json()
    drawn["layout"]["template"] = WHITE
    return drawn


def _shown(data: Mapping[str, Any], dimension: str, value: Any) -> str:
    """A member as the viewer reads it (the callback's value labels: district names, road classes)."""
    text = str(value)
    return str((data.get("labels") or {}).get(dimension, {}).get(text, text))


def _cell(data: Mapping[str, Any], key: str, value: Any, dims: Sequence[str]) -> Any:
    return _shown(data, key, value) if key in dims and value is not None else value


def _rows_of(data: Mapping[str, Any], period: str | None) -> list[Row]:
    """The rows of one period (the latest complete one, which the callback found): rankings and parts read one period."""
    return [r for r in data.get("rows") or [] if r.get("period") == period]


def trend_figure(view: View, lang: str, area: bool) -> FigureDict:
    """Value by period (one line per member when split), the target as a dashed step, the baseline as a dotted
    line, and the baseline period as a shaded band."""
    data = view["data"]
    rows, by = list(data.get("rows") or []), list(data.get("by") or [])
    decimals = int(data.get("decimals", 2))
    fig = _figure()
    fill = "tozeroy" if area else None
    if by:
        series = member_series(rows, lambda row: " · ".join(_shown(data, d, row.get(d)) for d in by))
        for index, (member, (xs, ys)) in enumerate(series.items()):
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    name=member,
                    mode="lines",
                    fill=fill,
                    line={"width": 1.6, "color": MEMBER_COLORS[index % len(MEMBER_COLORS)]},
                )
            )
    else:
        fig.add_trace(
            go.Scatter(
                x=[str(r["period"]) for r in rows],
                y=[r.get("value") for r in rows],
                name=t("ind.value", lang),
                mode="lines+markers",
                fill=fill,
                line={"width": 2.2, "color": LINE},
                marker={"size": 6, "color": [status_color(r.get("status")) for r in rows]},
                hovertemplate=f"%{{x}}: %{{y:,.{decimals}f}}<extra></extra>",
            )
        )
        if any(r.get("target") is not None for r in rows):
            fig.add_trace(
                go.Scatter(
                    x=[str(r["period"]) for r in rows],
                    y=[r.get("target") for r in rows],
                    name=t("ind.target", lang),
                    mode="lines",
                    line={"dash": "dash", "width": 1.6, "color": TARGET, "shape": "hv"},
                )
            )
    periods = [str(r["period"]) for r in rows]
    band = view.get("baseline_periods") or []
    inside = [i for i, p in enumerate(dict.fromkeys(periods)) if p in set(band)]
    if inside:
        fig.add_vrect(x0=inside[0] - 0.5, x1=inside[-1] + 0.5, fillcolor=BASELINE, opacity=0.08, line_width=0)
    baseline = next(
        (r.get("compare_value") for r in rows if data.get("compare") == "baseline" and r.get("compare_value") is not None), None
    )
    if baseline is not None:
        fig.add_hline(
            y=baseline,
            line={"dash": "dot", "width": 1.6, "color": BASELINE},
            annotation_text=f"{t('ind.baseline', lang)} {baseline:,.{decimals}f}",
            annotation_position="bottom right",
            annotation_font_color=BASELINE,
        )
    fig.update_xaxes(type="category", nticks=12)
    return _layout(fig, legend=bool(by) or any(r.get("target") is not None for r in rows))


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
        fig = _figure(
            go.Bar(
                x=[str(r["period"]) for r in rows],
                y=[r.get("value") for r in rows],
                marker={"color": [status_color(r.get("status")) for r in rows]},
            )
        )
        fig.update_xaxes(type="category")
        return _layout(fig)
    dimension = by[0]
    rows = ranking_order(_rows_of(data, period), data.get("direction"))
    members = [str(r.get(dimension)) for r in rows]
    chosen = str(selected.get("value")) if selected and selected.get("dimension") == dimension else None
    values = [r.get("value") for r in rows]
    fig = _figure(
        go.Bar(
            x=values,
            y=[_shown(data, dimension, m) for m in members],
            orientation="h",
            marker={"color": _rank_colors(rows, data.get("direction")), "opacity": [1.0 if chosen in (None, m) else 0.3 for m in members]},
            customdata=[[dimension, m, _shown(data, dimension, m)] for m in members],  # stored value, and as read
            text=[f"{v:,.{decimals}f}" if v is not None else "" for v in values],
            textposition="auto",
            hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}}<extra></extra>",
        )
    )
    fig.update_yaxes(range=[max(len(members), 5) - 0.5, -0.5], type="category")  # best on top; few bars stay slim
    return _layout(fig)


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
    fig = _figure()
    for index, (member, points) in enumerate(groups.items()):
        fig.add_trace(
            go.Bar(
                x=[_shown(data, axis, x) for x in points],
                y=list(points.values()),
                name=member,
                marker={"color": MEMBER_COLORS[index % len(MEMBER_COLORS)]},
                customdata=[[axis, x, _shown(data, axis, x)] for x in points] if axis != "period" else None,
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return _layout(fig, legend=bool(stack))


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
    fig = _figure(
        go.Pie(
            labels=[_shown(data, by[0], label) if label != other else label for label in labels],
            values=[p[1] for p in parts],
            hole=0.55,
            sort=False,
            marker={"colors": [MEMBER_COLORS[i % len(MEMBER_COLORS)] for i in range(len(parts))]},
            pull=[0.08 if chosen == label else 0 for label in labels],
            customdata=[[by[0], label, _shown(data, by[0], label)] if label != other else [None, None] for label in labels] if by else None,
            textinfo="percent",
            hovertemplate="%{label}: %{value:,}<extra></extra>",
        )
    )
    return _layout(fig, legend=True)


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
    z = [[cells.get((d, h)) for h in range(24)] for d in WEEK_ORDER]
    fig = _figure(
        go.Heatmap(
            z=z,
            x=[f"{h:02d}" for h in range(24)],
            y=[names[d] for d in WEEK_ORDER],
            colorscale="Blues",
            hovertemplate="%{y} %{x}:00 — %{z:,}<extra></extra>",
            colorbar={"thickness": 10},
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", nticks=12)
    return _layout(fig)


def spark_image(rows: Sequence[Row]) -> html.Img:
    """The KPI card's trend line as a small SVG picture (numbers only, drawn by the browser at once): eight plotly
    charts per cockpit took longer to draw than the rest of the board. The card's text carries the values."""
    values = [float(r["value"]) for r in rows if isinstance(r.get("value"), (int, float))]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.2f},{SPARK_HEIGHT - 1 - (v - low) / span * (SPARK_HEIGHT - 2):.2f}" for i, v in enumerate(values))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" preserveAspectRatio="none">'
        f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg>'
    )
    return html.Img(src="data:image/svg+xml;utf8," + quote(svg), alt="", className="kpi-spark", draggable="false")
