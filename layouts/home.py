"""Home: the datasets the user may use, searchable in Chinese and English."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import citytime
from i18n import t
from layouts import ids
from layouts.common import empty_state, grid_words
from layouts.shell import page_title


def dataset_rows(datasets: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": d["id"],
            "name": d["name_en"] if lang == "en" else d["name_zh"],
            "other_name": d["name_zh"] if lang == "en" else d["name_en"],
            "department": d["department_label"],
            "rows": d["rows"],
            "columns": d["columns"],
            "version": d["data_version"],
            "loaded": citytime.show_stored(d["loaded_at"]),
        }
        for d in datasets
    ]


def home(datasets: list[dict[str, Any]], lang: str, can_import: bool) -> html.Div:
    action = dcc.Link(t("nav.upload", lang), href="/upload", className="btn btn-primary") if can_import else None
    if not datasets:
        return html.Div([page_title(t("home.title", lang)), empty_state(t("home.empty", lang), t("home.empty_hint", lang), action)])
    columns = [
        {"field": "name", "headerName": t("col.name", lang), "flex": 2, "cellRenderer": "DatasetLink"},
        {"field": "other_name", "hide": True},
        {"field": "department", "headerName": t("col.department", lang), "flex": 1},
        {
            "field": "rows",
            "headerName": t("col.rows", lang),
            "type": "numericColumn",
            "valueFormatter": {"function": "d3.format(',')(params.value)"},
        },
        {"field": "columns", "headerName": t("col.columns", lang), "type": "numericColumn", "width": 100},
        {"field": "version", "headerName": t("col.version", lang), "type": "numericColumn", "width": 100},
        {"field": "loaded", "headerName": t("col.loaded", lang), "width": 170},
    ]
    return html.Div(
        [
            page_title(t("home.title", lang), action),
            dbc.Input(id=ids.home.SEARCH, placeholder=t("home.search", lang), type="search", className="mb-3", debounce=False),
            dag.AgGrid(
                id=ids.home.GRID,
                rowData=dataset_rows(datasets, lang),
                columnDefs=columns,
                getRowId="params.data.id",
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "quickFilterText": "",
                    "includeHiddenColumnsInQuickFilter": True,
                    **grid_words(lang),
                },
                className="ag-theme-alpine",
                style={"width": "100%"},
            ),
        ]
    )
