"""Dataset page: summary, data dictionary, quality profile, paged preview and load history."""

from __future__ import annotations

import json
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import citytime
from i18n import TEXT, t
from layouts import ids
from layouts.common import fmt_number, grid_words, stat, words_formatter
from layouts.shell import page_title

PAGE_SIZE = 100
ROLES = ("time", "dimension", "measure", "geo", "id")  # datasets.types.ColumnRole, in the editor's order


def dictionary_grid(columns: list[dict[str, Any]], lang: str, editable: bool) -> dag.AgGrid:
    roles = {role: t(f"colrole.{role}", lang) for role in ROLES}
    defs = [
        {"field": "name", "headerName": t("dict.field", lang), "pinned": "left", "width": 180},
        {"field": "label", "headerName": t("dict.label", lang), "width": 200},
        {"field": "type_label", "headerName": t("dict.type", lang), "width": 110},
        {
            "field": "role",
            "headerName": t("dict.role", lang),
            "width": 120,
            "editable": editable,
            "cellEditor": "agSelectCellEditor",
            "cellEditorParams": {
                "values": list(ROLES),
                "formatValue": {"function": f"({json.dumps(roles, ensure_ascii=False)})[params] || params"},
            },
            "valueFormatter": words_formatter(roles),  # the stored role, read in words
        },
        {"field": "nullable", "headerName": t("dict.nullable", lang), "width": 100},
        {"field": "pii", "headerName": t("dict.pii", lang), "width": 110, "editable": editable},
        {"field": "description_zh", "headerName": t("dict.description_zh", lang), "flex": 1, "editable": editable},
        {"field": "description_en", "headerName": t("dict.description_en", lang), "flex": 1, "editable": editable},
    ]
    return dag.AgGrid(
        id=ids.dataset.DICT_GRID,
        rowData=[{**c, "type_label": t(f"coltype.{c['type']}", lang) if f"coltype.{c['type']}" in TEXT else c["type"]} for c in columns],
        columnDefs=defs,
        getRowId="params.data.name",
        dashGridOptions={"domLayout": "autoHeight", "singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True, **grid_words(lang)},
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def _top(values: list[dict[str, Any]] | None) -> str:
    return ", ".join(f"{v['value']} ({v['count']:,})" for v in (values or [])[:5])


def profile_section(columns: list[dict[str, Any]], profile: dict[str, Any], lang: str) -> html.Div:
    stats = profile.get("columns", {})
    rows = []
    for col in columns:
        st = stats.get(col["name"], {})
        completeness = float(st.get("completeness", 0.0))
        rows.append(
            html.Tr(
                [
                    html.Td(col["name"]),
                    html.Td(t(f"coltype.{col['type']}", lang) if f"coltype.{col['type']}" in TEXT else col["type"]),
                    html.Td(
                        [
                            dbc.Progress(
                                value=completeness * 100, className="completeness", color="success" if completeness > 0.95 else "warning"
                            ),
                            html.Small(f"{completeness:.1%}"),
                        ],
                        style={"minWidth": "120px"},
                    ),
                    html.Td(fmt_number(st.get("distinct")) + ("≈" if st.get("distinct_approx") else "")),
                    html.Td(fmt_number(st.get("min"))),
                    html.Td(fmt_number(st.get("max"))),
                    html.Td(_top(st.get("top")), className="small data-value"),  # the most common values, as stored
                    html.Td(fmt_number(st.get("unparseable", 0)) if st.get("unparseable") else ""),
                ]
            )
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(t(k, lang))
                for k in (
                    "dict.field",
                    "dict.type",
                    "profile.completeness",
                    "profile.distinct",
                    "profile.min",
                    "profile.max",
                    "profile.top",
                    "profile.unparseable",
                )
            ]
        )
    )
    checks = [c for c in profile.get("checks", []) if c.get("severity") != "ok"]
    check_items = [
        html.Div(c.get("message_en" if lang == "en" else "message_zh", ""), className="check-warning bg-white p-2 mb-2") for c in checks
    ] or [html.Div(t("dataset.no_issues", lang), className="check-ok bg-white p-2")]
    return html.Div(
        [
            html.H2(t("dataset.checks", lang), className="h6 mt-3"),
            html.Div(check_items, id="profile-checks"),
            dbc.Table(
                [header, html.Tbody(rows)],
                id=ids.dataset.PROFILE_TABLE,
                size="sm",
                striped=True,
                responsive=True,
                className="bg-white mt-3",
            ),
        ]
    )


def preview_grid(columns: list[dict[str, Any]], lang: str) -> dag.AgGrid:
    defs = [
        {"field": c["name"], "headerName": c["label"], "headerTooltip": c["name"], "sortable": not c["pii"], "minWidth": 120}
        for c in columns
    ]
    return dag.AgGrid(
        id=ids.dataset.PREVIEW_GRID,
        columnDefs=defs,
        rowModelType="infinite",
        className="ag-theme-alpine",
        dashGridOptions={"cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 20, "rowBuffer": 0, **grid_words(lang)},
        defaultColDef={"resizable": True, "filter": False},
        style={"height": "560px", "width": "100%"},
    )


def history_table(versions: list[dict[str, Any]], lang: str) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("col.version", lang)),
                html.Th(t("col.rows", lang)),
                html.Th(t("dataset.mode", lang)),
                html.Th(t("dataset.source", lang)),
                html.Th(t("col.loaded", lang)),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(v["version"]),
                    html.Td(fmt_number(v["rows"])),
                    html.Td(t(f"dataset.mode.{v['mode']}", lang) if f"dataset.mode.{v['mode']}" in TEXT else v["mode"]),
                    html.Td(v["source"]),
                    html.Td(citytime.show_stored(v["created_at"], seconds=True)),
                ]
            )
            for v in versions
        ]
    )
    return dbc.Table([head, body], size="sm", striped=True, className="bg-white")


def dataset_page(info: dict[str, Any], profile: dict[str, Any], versions: list[dict[str, Any]], lang: str, can_edit: bool) -> html.Div:
    name = info["name_en"] if lang == "en" else info["name_zh"]
    department = info["department_name_en"] if lang == "en" else info["department_name_zh"]
    freshness = (profile.get("freshness") or {}).get("latest") or "—"
    return html.Div(
        [
            dcc.Store(id=ids.dataset.ID, data=info["id"]),
            page_title(name, html.Span(department, className="badge bg-secondary")),
            html.P(info.get("description_en" if lang == "en" else "description_zh") or info["source"], className="text-muted"),
            dbc.Row(
                [
                    stat(t("col.rows", lang), fmt_number(info["rows"]), "dataset-rows"),
                    stat(t("col.version", lang), info["data_version"]),
                    stat(t("dataset.freshness", lang), str(freshness)[:19].replace("T", " ")),
                    stat(
                        t("dataset.duplicates", lang), "—" if info.get("profile_hidden") else fmt_number(profile.get("duplicate_rows", 0))
                    ),
                ]
            ),
            dbc.Tabs(
                [
                    dbc.Tab(
                        html.Div(
                            [
                                dictionary_grid(info["columns"], lang, can_edit),
                                html.Div(id=ids.dataset.DICT_STATUS, className="small mt-2", role="status"),
                            ],
                            className="pt-3",
                        ),
                        label=t("dataset.dictionary", lang),
                        tab_id="dictionary",
                    ),
                    dbc.Tab(
                        dbc.Alert(t("dataset.profile_scoped", lang), color="info", className="mt-3", id="profile-scoped")
                        if info.get("profile_hidden")
                        else profile_section(info["columns"], profile, lang),
                        label=t("dataset.profile", lang),
                        tab_id="profile",
                    ),
                    dbc.Tab(
                        html.Div(preview_grid(info["columns"], lang), className="pt-3"), label=t("dataset.preview", lang), tab_id="preview"
                    ),
                    dbc.Tab(html.Div(history_table(versions, lang), className="pt-3"), label=t("dataset.history", lang), tab_id="history"),
                ],
                id=ids.dataset.TABS,
                active_tab="dictionary",
            ),
        ]
    )
