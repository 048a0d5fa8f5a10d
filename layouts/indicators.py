"""Indicator catalog: search, department and status filters, one card per visible indicator with its latest value.

Also the small pieces both indicator screens share: status badges, red/amber/green dots, value formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts.common import empty_state
from layouts.shell import page_title
from units import UNITS_ZH

STATUSES = ("certified", "draft", "deprecated")
STATUS_BADGE = {"certified": "success", "draft": "secondary", "deprecated": "dark"}
LIGHT_COLORS = {"green": "#2e9d4d", "amber": "#e8a200", "red": "#d64541"}
DOT_STYLE = {"display": "inline-block", "width": "0.75rem", "height": "0.75rem", "borderRadius": "50%", "flex": "none"}


def indicator_href(indicator_id: str) -> str:
    return f"/indicators/{quote(indicator_id, safe='._-')}"


def unit_label(unit: Any, lang: str) -> str:
    """The unit as the reader says it: `days` is 天 in Chinese; `%`, `ratio`, km/h and µg/m³ stay."""
    text = str(unit or "")
    return text if lang == "en" else UNITS_ZH.get(text.strip().lower(), text)


def unit_name(unit: Any, lang: str) -> str:
    """The unit named on its own (catalog cards, the indicator header): a ratio has no unit, so it says so."""
    return t("unit.ratio", lang) if str(unit or "").strip().lower() == "ratio" else unit_label(unit, lang) or "—"


def period_text(period: Any, lang: str) -> str:
    """A period label as shown: the one period of a timeless indicator (`all`, indicators.spec.WHOLE) reads "all data"."""
    return t("period.all", lang) if period == "all" else str(period if period is not None else "")


def fmt_value(value: Any, decimals: int = 2, unit: str = "") -> str:
    """A value with its decimals and unit: `1.239`, `97.7%`, `2,445 vehicles`; `—` when missing."""
    if value is None or isinstance(value, bool):
        return "—"
    number = float(value)
    text = f"{0.0 if round(number, decimals) == 0 else number:,.{decimals}f}"  # never "-0.0"
    if unit in ("", "ratio"):
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def fmt_pct(share: Any, digits: int = 1) -> str:
    return "—" if share is None else f"{float(share) * 100:.{digits}f}%"


def fmt_change(change: Any, change_pct: Any, change_unit: Any, lang: str) -> str:
    """A change as read: ▲3.2 个百分点 / ▲3.2 pp for a percent indicator (`change_unit` pp), ▲12.5% otherwise; — if none.

    A percent's change in percent would be a percent of a percent (85% → 88.2% is +3.8%), so it is never shown."""
    points = change_unit == "pp"
    amount = change if points else change_pct
    if amount is None or isinstance(amount, bool):
        return "—"
    number = round(float(amount), 1)
    arrow = "▲" if number > 0 else "▼" if number < 0 else "＝"
    size = f"{abs(number):,.1f}"
    if points:
        return f"{arrow}{size} pp" if lang == "en" else f"{arrow}{size} 个百分点"
    return f"{arrow}{size}%"


def status_badge(status: str, lang: str) -> dbc.Badge:
    """The definition's lifecycle status (certified / draft / deprecated)."""
    key = f"status.{status}"
    return dbc.Badge(
        t(key, lang) if status in STATUSES else status, color=STATUS_BADGE.get(status, "secondary"), className="ms-2 status-badge"
    )


def light_dot(light: str | None, lang: str) -> html.Span:
    """A red/amber/green dot with its meaning as text for screen readers and tooltips."""
    label = t(f"light.{light}", lang) if light in LIGHT_COLORS else t("light.none", lang)
    style = {**DOT_STYLE, "background": LIGHT_COLORS.get(light or "", "#ced4da")}
    aria: dict[str, Any] = {"aria-label": label}
    return html.Span(className=f"light-dot light-{light or 'none'}", title=label, role="img", style=style, **aria)


def light_badge(light: str | None, lang: str) -> dbc.Badge:
    colors = {"green": "success", "amber": "warning", "red": "danger"}
    label = t(f"light.{light}", lang) if light in colors else t("light.none", lang)
    return dbc.Badge(
        label,
        color=colors.get(light or "", "light"),
        text_color="dark" if light not in ("green", "red") else None,
        className=f"light-badge light-badge-{light or 'none'}",
    )


def _latest(item: Mapping[str, Any], latest: Mapping[str, Any] | None, lang: str) -> html.Div:
    if latest is None:
        return html.Div(t("cat.loading", lang), className="text-muted small latest-loading")
    row = latest.get(item["id"])
    if not row or row.get("value") is None:
        return html.Div(t("cat.no_value", lang), className="text-muted small latest-none")
    return html.Div(
        [
            light_dot(row.get("status"), lang),
            html.Span(
                fmt_value(row["value"], item["decimals"], unit_label(item["unit"], lang)), className="latest-value fw-semibold fs-5 ms-2"
            ),
            html.Span(period_text(row.get("period", ""), lang), className="text-muted small ms-2"),
        ],
        className="d-flex align-items-center latest",
    )


def indicator_card(item: Mapping[str, Any], latest: Mapping[str, Any] | None, lang: str) -> dbc.Col:
    """One catalog entry: name linking to its page, status, where it belongs, and its latest value."""
    meta = " · ".join(
        str(x) for x in (item["department_label"], t(f"type.{item['type']}", lang), unit_name(item["unit"], lang), item["owner"]) if x
    )
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [
                            dcc.Link(item["name"], href=indicator_href(item["id"]), className="h6 mb-0 indicator-link"),
                            status_badge(item["status"], lang),
                        ],
                        className="d-flex justify-content-between align-items-start",
                    ),
                    html.Div(item["id"], className="text-muted small font-monospace"),
                    html.Div(meta, className="small mt-1 indicator-meta"),
                    html.Hr(className="my-2"),
                    _latest(item, latest, lang),
                ]
            ),
            className="h-100 indicator-card",
        ),
        lg=4,
        md=6,
        className="mb-3",
    )


def catalog_list(items: Sequence[Mapping[str, Any]], latest: Mapping[str, Any] | None, lang: str, any_visible: bool = True) -> html.Div:
    """The cards of `items` (already filtered), or the empty state; `latest` None means "still computing"."""
    if not items:
        if not any_visible:
            return empty_state(t("cat.none", lang))
        return empty_state(t("cat.empty", lang), t("cat.empty_hint", lang))
    return html.Div(
        [
            html.Div(t("cat.count", lang, n=len(items)), className="text-muted small mb-2", id="ind-count"),
            dbc.Row([indicator_card(item, latest, lang) for item in items]),
        ]
    )


def catalog_page(
    items: Sequence[Mapping[str, Any]], departments: Sequence[tuple[str, str]], lang: str, can_author: bool = False
) -> html.Div:
    """The catalog screen: filters above the cards; the latest values arrive later from a callback. Authors
    also get a button that starts a new definition."""
    department_options = [{"label": label, "value": code} for code, label in departments]
    status_options = [{"label": t(f"status.{s}", lang), "value": s} for s in STATUSES]
    return html.Div(
        [
            page_title(
                t("cat.title", lang),
                dcc.Link(t("auth.new", lang), href="/authoring", className="btn btn-primary btn-sm", id=ids.authoring.NEW_LINK)
                if can_author
                else None,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Input(
                            id=ids.indicator.SEARCH, type="search", placeholder=t("cat.search", lang), debounce=False, autocomplete="off"
                        ),
                        md=6,
                        className="mb-2",
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=ids.indicator.DEPARTMENT,
                            options=department_options,
                            placeholder=t("cat.all_departments", lang),
                            clearable=True,
                        ),
                        md=3,
                        className="mb-2",
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=ids.indicator.STATUS, options=status_options, placeholder=t("cat.all_statuses", lang), clearable=True
                        ),
                        md=3,
                        className="mb-2",
                    ),
                ],
                className="mb-2",
            ),
            dcc.Store(id=ids.indicator.LIST_IDS, data=[item["id"] for item in items]),
            dcc.Store(id=ids.indicator.LATEST, data=None),
            html.Div(catalog_list(items, None, lang, bool(items)), id=ids.indicator.LIST),
        ]
    )
