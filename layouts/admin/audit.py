"""The audit log tab: the events grid and its filters."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

import citytime
from i18n import PSEUDO_AUTHORS, t, who_name
from layouts import ids
from layouts.admin.parts import (
    GRID_CLASS,
    field,
)
from layouts.common import grid_words, words_formatter


def audit_rows(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Events for the grid, newest first as the service returns them; details as JSON text."""
    return [
        {
            "id": e["id"],
            "at": citytime.show_stored(e["at"], seconds=True),
            "actor": e["actor"],
            "action": e["action"],
            "object_type": e["object_type"],
            "object_id": e["object_id"],
            "address": e["address"],
            "detail": json.dumps(e["detail"], ensure_ascii=False, sort_keys=True) if e["detail"] else "",
        }
        for e in events
    ]


def audit_tab(rows: list[dict[str, Any]], lang: str) -> html.Div:
    filters = dbc.Form(
        dbc.Row(
            [
                field(
                    t("adm.audit_actor", lang),
                    dbc.Input(id=ids.admin.AUDIT_ACTOR, maxLength=64, type="search"),
                    ids.admin.AUDIT_ACTOR,
                    md=3,
                ),
                field(
                    t("adm.audit_action", lang),
                    dbc.Input(id=ids.admin.AUDIT_ACTION, maxLength=64, type="search", placeholder="user."),
                    ids.admin.AUDIT_ACTION,
                    md=3,
                ),
                field(t("adm.from", lang), dbc.Input(id=ids.admin.AUDIT_FROM, type="date"), ids.admin.AUDIT_FROM, md=2),
                field(t("adm.to", lang), dbc.Input(id=ids.admin.AUDIT_TO, type="date"), ids.admin.AUDIT_TO, md=2),
                dbc.Col(dbc.Button(t("adm.filter", lang), type="submit", color="primary"), md=2, className="d-flex align-items-end mb-2"),
            ]
        ),
        id=ids.admin.AUDIT_FORM,
    )
    fields = ("at", "actor", "action", "object_type", "object_id", "address", "detail")
    widths = {"at": 170, "actor": 130, "action": 160, "object_type": 110, "object_id": 200, "address": 120}
    words = {  # stored codes read in words
        "actor": {name: who_name(name, lang) for name in PSEUDO_AUTHORS},
        "object_type": {kind: t(f"adm.object.{kind}", lang) for kind in ("dataset", "indicator", "board")},
    }
    defs = [
        {
            "field": f,
            "headerName": t(f"adm.audit.{f}", lang),
            **({"width": widths[f]} if f in widths else {"flex": 1, "minWidth": 200}),
            **({"valueFormatter": words_formatter(words[f])} if f in words else {}),
        }
        for f in fields
    ]
    return html.Div(
        [
            filters,
            dag.AgGrid(
                id=ids.admin.AUDIT_GRID,
                rowData=rows,
                columnDefs=defs,
                getRowId="params.data.id",
                defaultColDef={"sortable": True, "resizable": True, "tooltipField": "detail"},
                dashGridOptions=grid_words(lang),
                className=GRID_CLASS,
                style={"height": "520px", "width": "100%"},
            ),
            html.P(t("adm.audit_hint", lang), className="text-muted small mt-2"),
        ],
        className="pt-3",
    )
