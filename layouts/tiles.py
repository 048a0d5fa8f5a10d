"""Board tiles as pure components: a frame per tile (a head to drag it by, a body by type and state).

A tile view is plain data the board callback computes for the viewer (see callbacks/boardtiles.py); the
same view always gives the same tree. Every user-written text (titles, markdown, dimension members,
cell values) is rendered as text: markdown goes through `safe_markdown` and dcc.Markdown without HTML.
The charts a tile draws are figure data from layouts/tilefigures.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import TEXT, t
from layouts import ids
from layouts.charts import LINE, STATUS_COLORS
from layouts.common import grid_words
from layouts.indicators import fmt_change, fmt_pct, fmt_value, unit_label
from layouts.tilefigures import bar_figure, cell, donut_figure, heatmap_figure, stacked_figure, trend_figure

SPARK_WIDTH, SPARK_HEIGHT = 100, 30  # the sparkline's drawing box; the picture stretches to the card

View = Mapping[str, Any]
Row = Mapping[str, Any]
GRAPH_CONFIG: Any = {"displayModeBar": False, "responsive": True}
SAFE_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,300})\]\((https?://[^\s()<>\"']+|/[^\s()<>\"']*|#[\w-]*)\)")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def dom_id(tile_id: str) -> str:
    """The grid child's id: tile ids are prefixed so that no tile can collide with a page component id."""
    return ids.board.TILE_PREFIX + tile_id


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
                "×", id={"type": ids.board.REMOVE, "tile": view["id"]}, className="tile-action tile-remove edit-only", title=label, **aria
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
    return html.Div(_state("not-found", t("board.not_found", lang)), id=ids.board.MISSING, className="board-tile", style={"height": "100%"})


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
        id=view.get("graph_id") or {"type": ids.board.GRAPH, "tile": view["id"]},  # board graphs cross-filter; others name their own
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
            {f"c{i}": lights.get(r.get(k) or "", "") if k == "status" else cell(data, k, r.get(k), dims) for i, k in enumerate(keys)}
            for r in data.get("rows") or []
        ]
    return dag.AgGrid(
        id={"type": ids.board.TABLE, "tile": tile_id},
        rowData=rows,
        columnDefs=defs,
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 90, "flex": 1},
        className="ag-theme-alpine tile-table",
        dashGridOptions=grid_words(lang),
        style={"height": "100%", "width": "100%"},
    )


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
