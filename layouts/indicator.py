"""Indicator page: header, the definition as a sentence, controls, values (KPIs, trend, ranking, table), lineage, history.

Every user-written text (names, descriptions, owners, dimension members) is rendered as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t, who_name
from layouts import ids
from layouts.charts import ranking_figure, values_figure
from layouts.common import empty_state, grid_words, issue_list
from layouts.indicators import fmt_change, fmt_pct, fmt_value, indicator_href, light_badge, period_text, status_badge, unit_label, unit_name

COMPARES = ("previous", "year_ago", "baseline")
NONE = "none"
GRAPH_CONFIG: Any = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"], "responsive": True}


def _meta(label: str, value: Any) -> html.Div:
    return html.Div([html.Span(label, className="text-muted me-1"), html.Span(str(value))], className="me-4 small")


def header(view: Mapping[str, Any], lang: str) -> html.Div:
    direction = view.get("direction")
    return html.Div(
        [
            dcc.Link(f"← {t('ind.back', lang)}", href="/indicators", className="small"),
            html.Div(
                [
                    html.H1(view["name"], className="h4 mb-0 d-inline"),
                    status_badge(view["status"], lang),
                    dbc.Badge(t("ind.version", lang, n=view["version"]), color="light", text_color="dark", className="ms-2"),
                    dcc.Link(
                        t("auth.edit", lang),
                        href=f"/authoring/{quote(view['id'], safe='._-')}",
                        className="small ms-3",
                        id=ids.authoring.EDIT_LINK,
                    )
                    if view.get("can_edit")
                    else None,
                ],
                className="mt-1",
            ),
            html.Div(view["id"], className="text-muted small font-monospace"),
            html.Div(
                [
                    _meta(t("ind.owner", lang), view["owner"]),
                    _meta(t("ind.department", lang), view["department_label"]),
                    _meta(t("ind.type", lang), t(f"type.{view['type']}", lang)),
                    _meta(t("ind.unit", lang), unit_name(view["unit"], lang)),
                    _meta(t("ind.direction", lang), t(f"direction.{direction}", lang) if direction else "—"),
                ],
                className="d-flex flex-wrap mt-2",
            ),
            html.P(view.get("description") or "", className="text-muted mt-2 mb-0"),
        ],
        className="mb-3",
    )


def definition_card(sentence: str, lang: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("ind.definition", lang), className="h6 text-muted"),
                html.P(sentence, id=ids.indicator.SENTENCE, className="mb-0 definition-sentence"),
            ]
        ),
        className="mb-3",
    )


def controls(view: Mapping[str, Any], lang: str) -> dbc.Row:
    """Grain, date range, breakdown dimension and comparison; initial values come from the view."""
    grains = [{"label": t(f"grain.{g}", lang), "value": g} for g in view["grains"]]
    titles = view.get("dimension_titles") or {}
    dims = [{"label": t("ind.by_none", lang), "value": NONE}] + [{"label": titles.get(d, d), "value": d} for d in view["dimensions"]]
    compares = [{"label": t("compare.none", lang), "value": NONE}] + [
        {"label": t(f"compare.{c}", lang), "value": c} for c in COMPARES if c != "baseline" or view["has_baseline"]
    ]

    timeless = bool(view.get("timeless"))  # one period, all data: no grain, dates or comparison to choose

    def labelled(label: str, control: Any, width: int) -> dbc.Col:
        return dbc.Col([dbc.Label(label, className="small text-muted mb-1"), control], md=width, className="mb-2")

    note = dbc.Col(dbc.Alert(t("ind.timeless", lang, at=view.get("as_of") or "—"), color="info", className="py-2 small mb-2"), md=12)
    return dbc.Row(
        [
            note if timeless else None,
            labelled(
                t("ind.grain", lang),
                dcc.Dropdown(id=ids.indicator.GRAIN, options=grains, value=view["grain"], clearable=False, disabled=timeless),
                2,
            ),
            labelled(
                t("ind.range", lang),
                dcc.DatePickerRange(
                    id=ids.indicator.RANGE,
                    start_date=view["start"],
                    end_date=view["end"],
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    minimum_nights=0,
                    className="d-block",
                    disabled=timeless,
                ),
                4,
            ),
            labelled(t("ind.by", lang), dcc.Dropdown(id=ids.indicator.BY, options=dims, value=view.get("by") or NONE, clearable=False), 3),
            labelled(
                t("ind.compare", lang),
                dcc.Dropdown(
                    id=ids.indicator.COMPARE, options=compares, value=view.get("compare") or NONE, clearable=False, disabled=timeless
                ),
                3,
            ),
        ],
        className="bg-white border rounded p-2 mx-0 mb-3 align-items-end",
    )


# -- values ----------------------------------------------------------------------------------------
def _kpi(label: str, body: Any, class_name: str = "") -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody([html.Div(label, className="stat-label"), html.Div(body, className=f"stat {class_name}")]), className="h-100"
        ),
        lg=True,
        md=4,
        sm=6,
        className="mb-3",
    )


def _change(
    row: Mapping[str, Any], compare: str | None, direction: str | None, decimals: int, unit: str, lang: str, change_unit: Any
) -> Any:
    if not compare:  # a timeless indicator has nothing to compare with; others wait for a choice
        hint = "ind.no_compare_timeless" if row.get("period") == "all" else "ind.no_compare"
        return html.Span(t(hint, lang), className="text-muted fw-normal", style={"fontSize": ".85rem"})
    change, pct = row.get("change"), row.get("change_pct")
    if change is None:
        return "—"
    better = (change < 0) if direction == "lower_is_better" else (change > 0) if direction == "higher_is_better" else None
    color = "text-muted" if change == 0 or better is None else "text-success" if better else "text-danger"
    against = t("ind.compare_value_of", lang, compare=t(f"compare.{compare}", lang))
    before = f"{against} {fmt_value(row.get('compare_value'), decimals, unit)}"
    return html.Span(fmt_change(change, pct, change_unit, lang), className=color, title=before)


def kpi_cards(total: Mapping[str, Any], latest: Mapping[str, Any] | None, lang: str) -> dbc.Row:
    """Latest complete period: value, target, attainment, status, change against the comparison."""
    decimals, unit, compare = int(total.get("decimals", 2)), unit_label(total.get("unit"), lang), total.get("compare")
    row = latest or {}
    label = t("ind.latest", lang, period=period_text(row.get("period", "—"), lang))
    compare_label = t("ind.change", lang, compare=t(f"compare.{compare}", lang)) if compare else t("ind.change_abs", lang)
    return dbc.Row(
        [
            _kpi(label, fmt_value(row.get("value"), decimals, unit), "kpi-value"),
            _kpi(t("ind.target", lang), fmt_value(row.get("target"), decimals, unit), "kpi-target"),
            _kpi(t("ind.attainment", lang), fmt_pct(row.get("attainment")), "kpi-attainment"),
            _kpi(t("ind.status", lang), light_badge(row.get("status"), lang), "kpi-status"),
            _kpi(
                compare_label, _change(row, compare, total.get("direction"), decimals, unit, lang, total.get("change_unit")), "kpi-change"
            ),
        ],
        id=ids.indicator.KPIS,
    )


def _number_column(field: str, header: str, decimals: int) -> dict[str, Any]:
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "minWidth": 110,
        "valueFormatter": {"function": f"params.value == null ? '' : d3.format(',.{decimals}f')(params.value)"},
    }


def data_grid(result: Mapping[str, Any], lang: str, titles: Mapping[str, str] | None = None) -> dag.AgGrid:
    decimals = int(result.get("decimals", 2))
    by = list(result.get("by") or [])
    columns: list[dict[str, Any]] = [{"field": "period", "headerName": t("ind.period", lang), "pinned": "left", "minWidth": 120}]
    columns += [{"field": d, "headerName": (titles or {}).get(d, d), "minWidth": 120} for d in by]
    columns += [
        _number_column("value", t("ind.value", lang), decimals),
        _number_column("target", t("ind.target", lang), decimals),
        {
            "field": "attainment",
            "headerName": t("ind.attainment", lang),
            "type": "numericColumn",
            "valueFormatter": {"function": "params.value == null ? '' : d3.format('.1%')(params.value)"},
        },
        {"field": "status_label", "headerName": t("ind.status", lang), "minWidth": 100},
    ]
    against = t(f"compare.{result.get('compare')}", lang) if result.get("compare") else ""  # 去年同期值 is never 基线值
    if result.get("compare") and result.get("change_unit") == "pp":  # a percent's change is in points, never a percent of it
        columns += [
            _number_column("compare_value", t("ind.compare_value_of", lang, compare=against), decimals),
            _number_column("change", t("ind.change_pp_of", lang, compare=against), decimals),
        ]
    elif result.get("compare"):
        columns += [
            _number_column("compare_value", t("ind.compare_value_of", lang, compare=against), decimals),
            _number_column("change", t("ind.change_of", lang, compare=against), decimals),
            {
                "field": "change_pct",
                "headerName": t("ind.change_pct_of", lang, compare=against),
                "type": "numericColumn",
                "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.2f')(params.value) + '%'"},
            },
        ]
    labels = {"green": t("light.green", lang), "amber": t("light.amber", lang), "red": t("light.red", lang)}
    rows = [
        {**r, "period": period_text(r.get("period"), lang), "status_label": labels.get(r.get("status") or "", "")}
        for r in result.get("rows") or []
    ]
    return dag.AgGrid(
        id=ids.indicator.GRID,
        rowData=rows,
        columnDefs=columns,
        className="ag-theme-alpine",
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 20, **grid_words(lang)},
        style={"height": "460px", "width": "100%"},
    )


def _card(title: str, body: Any) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6 text-muted"), body]), className="mb-3")


def values_section(data: Mapping[str, Any], lang: str) -> html.Div:
    """Everything that depends on the controls: notes, KPI cards, the trend, the ranking and the rows."""
    total = data["total"]
    breakdown = data.get("breakdown")
    notes = [dbc.Alert(note, color="info", className="py-2 small") for note in data.get("notes") or []]
    if not any(r.get("value") is not None for r in total.get("rows") or []):
        return html.Div([*notes, empty_state(t("ind.no_data", lang))])
    decimals, unit, by = int(total.get("decimals", 2)), unit_label(total.get("unit"), lang), (breakdown or {}).get("by") or []
    dimension = by[0] if by else None
    titles: Mapping[str, str] = data.get("titles") or {}  # dimensions as the dictionary names them
    figure = values_figure(
        total["rows"],
        lang,
        decimals=decimals,
        unit=unit,
        breakdown=(breakdown or {}).get("rows") or [],
        by=dimension,
        baseline=data.get("baseline"),
        baseline_periods=data.get("baseline_periods") or (),
    )
    latest = data.get("latest")
    if dimension and latest:
        ranking: Any = dcc.Graph(
            id=ids.indicator.BREAKDOWN,
            figure=ranking_figure(
                data.get("ranking") or [], dimension, lang, direction=total.get("direction"), decimals=decimals, unit=unit
            ),
            config=GRAPH_CONFIG,
        )
        named = titles.get(dimension, dimension)
        ranking_title = t("ind.ranking", lang, dimension=named, period=latest.get("period", ""))
    else:
        ranking = html.P(t("ind.ranking_hint", lang), className="text-muted small mb-0")
        ranking_title = t("ind.ranking_title", lang)
    return html.Div(
        [
            *notes,
            kpi_cards(total, latest, lang),
            dbc.Row(
                [
                    dbc.Col(_card(t("ind.trend", lang), dcc.Graph(id=ids.indicator.CHART, figure=figure, config=GRAPH_CONFIG)), lg=8),
                    dbc.Col(_card(ranking_title, ranking), lg=4),
                ]
            ),
            _card(t("ind.data", lang), data_grid(breakdown or total, lang, titles)),
        ]
    )


def error_alert(message: str, issues: Sequence[dict[str, Any]], lang: str) -> dbc.Alert:
    """A user error from a service: its message and every issue, in the user's language, as text."""
    return dbc.Alert(
        [html.Div(message, className="fw-semibold"), issue_list(list(issues), lang) if issues else None],
        color="warning",
        className="indicator-error",
    )


# -- lineage and history ----------------------------------------------------------------------------
def _arrow() -> html.Span:
    hidden: dict[str, Any] = {"aria-hidden": "true"}
    return html.Span("→", className="text-muted mx-1 fs-5", **hidden)


def _group(label: str, badges: list[Any]) -> html.Div:
    return html.Div(
        [html.Div(label, className="small text-muted mb-1"), html.Div(badges or ["—"], className="d-flex flex-wrap gap-1")],
        className="lineage-step",
    )


def _badge_link(text: str, href: str | None, color: str) -> Any:
    badge = dbc.Badge(text, color=color, className="fw-normal")
    return dcc.Link(badge, href=href) if href else badge


def lineage(view: Mapping[str, Any], lang: str) -> html.Div:
    """Left to right: source systems → dataset → columns used → this indicator; or input indicators → this indicator."""
    info = view["lineage"]
    steps: list[Any] = []
    if info.get("sources"):
        steps.append(_group(t("ind.sources", lang), [dbc.Badge(s, color="secondary", className="fw-normal") for s in info["sources"]]))
    dataset = info.get("dataset")
    if dataset:
        href = f"/datasets/{quote(dataset['id'], safe='._-')}" if dataset.get("visible") else None
        steps.append(_group(t("ind.dataset", lang), [_badge_link(dataset["name"], href, "primary")]))
        steps.append(
            _group(
                t("ind.columns", lang),
                [
                    dbc.Badge(c, color="light", text_color="dark", className="fw-normal font-monospace border")
                    for c in info.get("columns") or []
                ],
            )
        )
    if info.get("inputs"):
        steps.append(
            _group(
                t("ind.inputs", lang),
                [_badge_link(i["name"], indicator_href(i["id"]) if i.get("visible") else None, "info") for i in info["inputs"]],
            )
        )
    steps.append(_group(t("ind.this", lang), [dbc.Badge(view["name"], color="success", className="fw-normal")]))
    flow: list[Any] = []
    for index, step in enumerate(steps):
        if index:
            flow.append(_arrow())
        flow.append(step)
    return html.Div(flow, id=ids.indicator.LINEAGE, className="d-flex flex-wrap align-items-center gap-2")


def _changes(version: Mapping[str, Any], lang: str) -> Any:
    if version.get("first"):
        return html.Span(t("ind.first_version", lang), className="text-muted")
    changes = version.get("changes") or []
    if not changes:
        return html.Span(t("ind.unchanged", lang), className="text-muted")
    return html.Ul(
        [
            html.Li(
                [
                    html.Code(field),
                    ": ",
                    html.Span(before or "∅", className="text-danger text-decoration-line-through"),
                    " → ",
                    html.Span(after or "∅", className="text-success"),
                ]
            )
            for field, before, after in changes
        ],
        className="mb-0 ps-3 small",
    )


def history_table(versions: Sequence[Mapping[str, Any]], lang: str) -> dbc.Table:
    """Every version, newest first, with what changed since the version before it."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("col.version", lang)),
                html.Th(t("ind.status", lang)),
                html.Th(t("ind.author", lang)),
                html.Th(t("ind.date", lang)),
                html.Th(t("ind.certified_by", lang)),
                html.Th(t("ind.changes", lang)),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(v["version"]),
                    html.Td(status_badge(v["status"], lang)),
                    html.Td(who_name(v.get("author") or "", lang)),
                    html.Td(v.get("date") or ""),
                    html.Td(who_name(v.get("certified_by") or "", lang)),
                    html.Td(_changes(v, lang)),
                ]
            )
            for v in versions
        ]
    )
    return dbc.Table([head, body], id=ids.indicator.HISTORY, size="sm", striped=True, responsive=True, className="bg-white mb-0")


def indicator_page(view: Mapping[str, Any], lang: str) -> html.Div:
    """The whole page; the values area is filled by a callback from the controls."""
    return html.Div(
        [
            dcc.Store(id=ids.indicator.ID, data=view["id"]),
            header(view, lang),
            definition_card(view["sentence"], lang),
            controls(view, lang),
            dcc.Loading(html.Div(id=ids.indicator.RESULT, className="indicator-result", style={"minHeight": "200px"}), type="default"),
            _card(t("ind.lineage", lang), lineage(view, lang)),
            _card(t("ind.history", lang), history_table(view["history"], lang)),
        ]
    )
