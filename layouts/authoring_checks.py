"""Indicator authoring, what the checks show: every issue with its place in the text, the live preview of
values against target, and the outcome of an action. Pure: values in, components out; user text as text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts.charts import values_figure
from layouts.indicator import GRAPH_CONFIG
from layouts.indicators import fmt_pct, fmt_value, light_badge, unit_label

PREVIEW_GRAINS = ("day", "week", "month", "quarter", "year")
NONE = "none"
MAX_PREVIEW_ROWS = 60
HIDDEN: dict[str, Any] = {"aria-hidden": "true"}  # an attribute Dash's typed signatures do not list


def where(issue: Mapping[str, Any], lang: str) -> str:
    """`第 3 行，第 5 列` / `line 3, column 5`, or the field alone when the text does not hold it."""
    if issue.get("line"):
        return t("auth.at", lang, line=issue["line"], col=issue.get("col") or 1)
    return t("auth.at_field", lang) if issue.get("field") else ""


def issues_panel(issues: Sequence[Mapping[str, Any]], lang: str) -> html.Div:
    """Every issue with where it is; a click (or Enter) puts the cursor there in the editor (assets/authoring.js)."""
    if not issues:
        return html.Div([html.Span("✓ ", **HIDDEN), t("auth.valid", lang)], className="alert alert-success py-2 mb-0 auth-valid")
    items = []
    for issue in issues:
        data: dict[str, Any] = {"data-code": str(issue.get("code") or "")}
        if issue.get("line"):
            data |= {"data-line": str(issue["line"]), "data-col": str(issue.get("col") or 1)}
        items.append(
            html.Button(
                [
                    html.Span(where(issue, lang), className="badge text-bg-light border me-2 auth-where"),
                    html.Code(issue["field"], className="me-2 auth-issue-field") if issue.get("field") else None,
                    html.Span(issue["message"], className="auth-issue-message"),
                ],
                type="button",
                className="list-group-item list-group-item-action small auth-issue",
                **data,
            )
        )
    return html.Div(
        [
            html.Div(t("auth.issue_count", lang, n=len(issues)), className="fw-semibold text-danger mb-1 auth-issue-count"),
            html.Div(items, className="list-group auth-issue-list"),
        ]
    )


# -- preview ------------------------------------------------------------------------------------------
def preview_note(message: str) -> html.Div:
    return html.Div(message, className="text-muted small p-3 border rounded bg-light auth-preview-note")


def preview_error(message: str, messages: Sequence[str]) -> dbc.Alert:
    return dbc.Alert(
        [html.Div(message, className="fw-semibold"), html.Ul([html.Li(m) for m in messages]) if messages else None], color="warning"
    )


def _kpi(label: str, body: Any, class_name: str) -> dbc.Col:
    return dbc.Col(html.Div([html.Div(label, className="stat-label"), html.Div(body, className=f"stat {class_name}")]), xs=6, md=3)


def _table(rows: Sequence[Mapping[str, Any]], by: str | None, decimals: int, unit: str, lang: str) -> dbc.Table:
    head = [
        t("ind.period", lang),
        *([by] if by else []),
        t("ind.value", lang),
        t("ind.target", lang),
        t("ind.attainment", lang),
        t("ind.status", lang),
    ]
    body = [
        html.Tr(
            [
                html.Td(str(r.get("period", ""))),
                *([html.Td(str(r.get(by, "")))] if by else []),
                html.Td(fmt_value(r.get("value"), decimals, unit), className="text-end"),
                html.Td(fmt_value(r.get("target"), decimals, unit), className="text-end"),
                html.Td(fmt_pct(r.get("attainment")), className="text-end"),
                html.Td(light_badge(r.get("status"), lang)),
            ]
        )
        for r in list(reversed(rows))[:MAX_PREVIEW_ROWS]
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], size="sm", striped=True, className="mb-0 auth-preview-table"
    )


def preview(data: Mapping[str, Any], lang: str) -> html.Div:
    """Values of the unsaved definition against its target: the latest period, the trend, the rows."""
    total, breakdown, latest = data["total"], data.get("breakdown"), data.get("latest") or {}
    decimals, unit = int(total.get("decimals", 2)), unit_label(total.get("unit"), lang)
    by = (breakdown or {}).get("by", [None])[0] if breakdown else None
    if not any(r.get("value") is not None for r in total.get("rows") or []):
        return preview_note(t("ind.no_data", lang))
    rows = (breakdown or {}).get("rows") or []
    figure = values_figure(total["rows"], lang, decimals=decimals, unit=unit, breakdown=rows, by=by, height=300)
    notes = [dbc.Alert(n, color="info", className="py-1 small mb-2") for n in data.get("notes") or []]
    return html.Div(
        [
            *notes,
            html.Div(
                t("auth.preview_range", lang, start=total.get("from", ""), end=total.get("to", "")), className="small text-muted mb-2"
            ),
            dbc.Row(
                [
                    _kpi(
                        t("ind.latest", lang, period=latest.get("period", "—")),
                        fmt_value(latest.get("value"), decimals, unit),
                        "auth-kpi-value",
                    ),
                    _kpi(t("ind.target", lang), fmt_value(latest.get("target"), decimals, unit), "auth-kpi-target"),
                    _kpi(t("ind.attainment", lang), fmt_pct(latest.get("attainment")), "auth-kpi-attainment"),
                    _kpi(t("ind.status", lang), light_badge(latest.get("status"), lang), "auth-kpi-status"),
                ],
                className="mb-2",
            ),
            dcc.Graph(id=ids.authoring.PREVIEW_CHART, figure=figure, config=GRAPH_CONFIG),
            html.Div(_table((breakdown or total)["rows"], by, decimals, unit, lang), className="auth-preview-rows"),
        ]
    )


def preview_controls(grain: str, dimensions: Sequence[str], lang: str) -> dbc.Row:
    by = [{"label": t("ind.by_none", lang), "value": NONE}] + [{"label": d, "value": d} for d in dimensions]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("ind.grain", lang), html_for=ids.authoring.PREVIEW_GRAIN, className="small text-muted mb-0"),
                    dbc.Select(
                        id=ids.authoring.PREVIEW_GRAIN,
                        options=[{"label": t(f"grain.{g}", lang), "value": g} for g in PREVIEW_GRAINS],
                        value=grain,
                        size="sm",
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label(t("ind.by", lang), html_for=ids.authoring.PREVIEW_BY, className="small text-muted mb-0"),
                    dbc.Select(id=ids.authoring.PREVIEW_BY, options=by, value=NONE, size="sm"),
                ],
                md=3,
            ),
        ],
        className="mb-2 g-2",
    )


def by_options(dimensions: Sequence[str], lang: str) -> list[dict[str, str]]:
    return [{"label": t("ind.by_none", lang), "value": NONE}] + [{"label": d, "value": d} for d in dimensions]


def status(kind: str, message: str, issues: Sequence[Mapping[str, Any]] = (), lang: str = "zh") -> dbc.Alert:
    """The outcome of an action; a refused save lists every issue (the text in the editor is untouched)."""
    color = {"ok": "success", "info": "info", "error": "danger"}.get(kind, "secondary")
    listed = html.Ul(
        [html.Li([html.Span(where(i, lang) + " ", className="text-muted") if i.get("line") else None, i["message"]]) for i in issues],
        className="mb-0 small",
    )
    return dbc.Alert(
        [html.Div(message, className="fw-semibold"), listed if issues else None],
        color=color,
        className=f"py-2 mb-2 auth-status auth-status-{kind}",
    )
