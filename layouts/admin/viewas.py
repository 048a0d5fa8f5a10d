"""The view-as tab: pick a user and see exactly their datasets, row counts, indicators and values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t
from layouts import ids
from layouts.admin.parts import (
    POLITE,
    Choices,
    choose,
    field,
    table,
)
from layouts.common import fmt_number
from layouts.indicators import fmt_value, light_badge, unit_label

MAX_VALUE_ROWS = 6


def view_as_tab(choices: Choices, lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("adm.view_as_intro", lang), className="text-muted"),
            dbc.Row(
                [
                    field(
                        t("adm.view_as_user", lang),
                        choose(ids.admin.VIEW_USER, choices.users, t("adm.choose", lang)),
                        ids.admin.VIEW_USER,
                        md=6,
                    ),
                ]
            ),
            html.Div(id=ids.admin.VIEW_RESULT, **POLITE),
        ],
        className="pt-3",
    )


def view_as_result(
    person: Mapping[str, Any], datasets: Sequence[Mapping[str, Any]], indicators: Sequence[Mapping[str, Any]], lang: str
) -> html.Div:
    """What the user sees: their datasets with the rows they may read, their indicators, and a choice of indicator
    whose values follow in ADM_VIEW_VALUES."""
    who = t(
        "adm.view_as_who",
        lang,
        name=person["display_name"],
        username=person["username"],
        role=t(f"role.{person['role']}", lang),
        department=person["department"],
        district=person["district"] or t("adm.no_district", lang),
    )
    dataset_rows = [
        html.Tr(
            [
                html.Td([html.Div(d["name"]), html.Div(d["id"], className="small text-muted font-monospace")]),
                html.Td(d["department"]),
                html.Td(fmt_number(d["visible_rows"]), className="text-end view-rows"),
                html.Td(fmt_number(d["rows"]), className="text-end text-muted"),
                html.Td(dbc.Badge(t("adm.scoped", lang), color="warning", text_color="dark") if d["scoped"] else ""),
            ],
            className="view-dataset",
        )
        for d in datasets
    ]
    indicator_rows = [
        html.Tr(
            [html.Td(i["id"], className="font-monospace small"), html.Td(i["name"]), html.Td(i["department"])], className="view-indicator"
        )
        for i in indicators
    ]
    return html.Div(
        [
            dbc.Alert(who, color="info", className="view-as-who"),
            html.H3(t("adm.view_datasets", lang, n=len(datasets)), className="h6"),
            table(
                [t("col.name", lang), t("col.department", lang), t("adm.visible_rows", lang), t("adm.all_rows", lang), ""],
                dataset_rows,
                numeric=(2, 3),
            )
            if datasets
            else html.P(t("home.empty", lang), className="text-muted"),
            html.H3(t("adm.view_indicators", lang, n=len(indicators)), className="h6 mt-3"),
            html.Div(
                table([t("adm.indicator_id", lang), t("col.name", lang), t("col.department", lang)], indicator_rows)
                if indicators
                else html.P(t("cat.none", lang), className="text-muted"),
                style={"maxHeight": "360px", "overflowY": "auto"},
            ),
            dbc.Row(
                field(
                    t("adm.view_as_indicator", lang),
                    choose(ids.admin.VIEW_INDICATOR, [(i["id"], f"{i['name']} ({i['id']})") for i in indicators], t("adm.choose", lang)),
                    ids.admin.VIEW_INDICATOR,
                    md=6,
                ),
                className="mt-3",
            )
            if indicators
            else None,
            html.Div(id=ids.admin.VIEW_VALUES, **POLITE),
        ]
    )


def view_as_values(result: Mapping[str, Any], lang: str) -> html.Div | html.P:
    """The yearly values the user would get for one indicator, latest first."""
    rows = list(reversed(result.get("rows") or []))[:MAX_VALUE_ROWS]
    if not rows:
        return html.P(t("ind.no_data", lang), className="text-muted mt-2")
    decimals, unit = int(result.get("decimals") or 0), unit_label(result.get("unit"), lang)
    body = [
        html.Tr(
            [
                html.Td(str(r["period"])),
                html.Td(fmt_value(r["value"], decimals, unit), className="text-end view-value"),
                html.Td(light_badge(r.get("status"), lang)),
            ]
        )
        for r in rows
    ]
    return html.Div(
        table([t("ind.period", lang), t("ind.value", lang), t("adm.light", lang)], body, numeric=(1,)),
        className="mt-2",
        style={"maxWidth": "640px"},
    )
