"""Small shared pieces: empty states, alerts, issue lists, stat tiles."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import GRID_ZH


def empty_state(title: str, hint: str = "", action: Any = None) -> html.Div:
    return html.Div(
        [html.H2(title, className="h5"), html.P(hint, className="text-muted"), action],
        className="text-center p-5 bg-white border rounded empty-state",
    )


def stat(label: str, value: Any, id_: str | None = None) -> dbc.Col:
    props: dict[str, Any] = {"id": id_} if id_ else {}
    return dbc.Col(
        html.Div(
            [html.Div(str(value), className="stat", **props), html.Div(label, className="stat-label")],
            className="bg-white border rounded p-3 h-100",
        ),
        md=3,
        sm=6,
        className="mb-3",
    )


def issue_list(issues: list[dict[str, Any]], lang: str) -> html.Ul:
    """Issues as text (never HTML), each with where it is when known."""
    items = []
    for issue in issues:
        message = issue.get("message_en" if lang == "en" else "message_zh") or issue.get("message", "")
        items.append(html.Li(str(message), className=f"issue issue-{issue.get('severity', 'error')}"))
    return html.Ul(items, className="mb-0")


def fmt_number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def words_formatter(words: Mapping[str, str]) -> dict[str, Any]:
    """An ag-grid valueFormatter showing stored codes in words; the row data keeps the codes, so editing, sorting
    and filtering still work on what is stored (tests/test_language_sweep.py reads the same mapping)."""
    return {"function": f"({json.dumps(dict(words), ensure_ascii=False)})[params.value] || params.value"}


def grid_words(lang: str) -> dict[str, Any]:
    """Grid options that make ag-grid's own words (pagination, filter menus, "no rows") speak the page's language."""
    return {"localeText": GRID_ZH} if lang != "en" else {}
