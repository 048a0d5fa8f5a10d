"""The users tab: the users grid, the new-user form and the editor of one user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts.admin.parts import (
    GRID_CLASS,
    Choices,
    Vocabulary,
    card,
    choose,
    field,
    options,
    status,
)
from layouts.common import grid_words

DEFAULT_ROLE = "staff"


def user_rows(users: Sequence[Mapping[str, Any]], departments: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    """Grid rows: role and department as labels in the user's language."""
    return [
        {
            "username": u["username"],
            "display_name": u["display_name"],
            "role": t(f"role.{u['role']}", lang),
            "department": departments.get(str(u["department"]), str(u["department"])),
            "district": u["district"] or "",
            "enabled": t("adm.enabled" if u["enabled"] else "adm.disabled", lang),
        }
        for u in users
    ]


def users_grid(rows: list[dict[str, Any]], lang: str) -> dag.AgGrid:
    fields = ("username", "display_name", "role", "department", "district", "enabled")
    return dag.AgGrid(
        id=ids.admin.USER_GRID,
        rowData=rows,
        columnDefs=[{"field": f, "headerName": t(f"adm.col.{f}", lang), "flex": 1, "minWidth": 110} for f in fields],
        getRowId="params.data.username",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}, **grid_words(lang)},
        className=GRID_CLASS,
        style={"height": "380px", "width": "100%"},
    )


def _roles(words: Vocabulary, lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"role.{r}", lang), "value": r} for r in words.roles]


def user_form(choices: Choices, lang: str) -> dbc.Form:
    """Create a user; Enter in any field submits, and the service reports every problem at once."""
    return dbc.Form(
        [
            dbc.Row(
                [
                    field(
                        t("adm.username", lang),
                        dbc.Input(id=ids.admin.NEW_USERNAME, maxLength=64, autocomplete="off"),
                        ids.admin.NEW_USERNAME,
                    ),
                    field(t("adm.display_name", lang), dbc.Input(id=ids.admin.NEW_DISPLAY, maxLength=200), ids.admin.NEW_DISPLAY),
                    field(
                        t("adm.password", lang),
                        dbc.Input(id=ids.admin.NEW_PASSWORD, type="password", maxLength=512, autocomplete="new-password"),
                        ids.admin.NEW_PASSWORD,
                    ),
                    field(
                        t("adm.role", lang),
                        dbc.Select(id=ids.admin.NEW_ROLE, options=_roles(choices.words, lang), value=DEFAULT_ROLE),
                        ids.admin.NEW_ROLE,
                    ),
                    field(
                        t("adm.department", lang),
                        choose(ids.admin.NEW_DEPARTMENT, choices.departments, t("adm.choose", lang)),
                        ids.admin.NEW_DEPARTMENT,
                    ),
                    field(
                        t("adm.district", lang),
                        choose(ids.admin.NEW_DISTRICT, choices.areas, t("adm.no_district", lang)),
                        ids.admin.NEW_DISTRICT,
                    ),
                ]
            ),
            dbc.Button(t("adm.user_create", lang), id=ids.admin.NEW_SUBMIT, type="submit", color="primary"),
            status(ids.admin.NEW_STATUS),
        ],
        id=ids.admin.NEW_FORM,
    )


def user_editor(user: Mapping[str, Any] | None, choices: Choices, lang: str) -> html.Div:
    """The chosen user's role, department and district, a new password, and enable/disable."""
    if user is None:
        return html.Div(t("adm.pick_hint", lang), className="text-muted small")
    enabled = bool(user["enabled"])
    return html.Div(
        [
            dcc.Store(id=ids.admin.EDIT_USER, data={"username": user["username"], "enabled": enabled}),
            html.Div(
                [
                    html.Span(str(user["display_name"]), className="fw-semibold"),
                    html.Span(f" ({user['username']})", className="text-muted"),
                    dbc.Badge(
                        t("adm.enabled" if enabled else "adm.disabled", lang), color="success" if enabled else "secondary", className="ms-2"
                    ),
                ],
                className="mb-2",
            ),
            dbc.Row(
                [
                    field(
                        t("adm.role", lang),
                        dbc.Select(id=ids.admin.EDIT_ROLE, options=_roles(choices.words, lang), value=user["role"]),
                        ids.admin.EDIT_ROLE,
                    ),
                    field(
                        t("adm.department", lang),
                        dbc.Select(id=ids.admin.EDIT_DEPARTMENT, options=options(choices.departments), value=user["department"]),
                        ids.admin.EDIT_DEPARTMENT,
                    ),
                    field(
                        t("adm.district", lang),
                        choose(ids.admin.EDIT_DISTRICT, choices.areas, t("adm.no_district", lang), user["area_code"]),
                        ids.admin.EDIT_DISTRICT,
                    ),
                ]
            ),
            dbc.Button(t("adm.save", lang), id=ids.admin.EDIT_SAVE, color="primary", size="sm", className="mb-3"),
            dbc.Row(
                [
                    field(
                        t("adm.new_password", lang),
                        dbc.Input(id=ids.admin.EDIT_PASSWORD, type="password", maxLength=512, autocomplete="new-password"),
                        ids.admin.EDIT_PASSWORD,
                        md=8,
                    ),
                    dbc.Col(
                        dbc.Button(t("adm.reset_password", lang), id=ids.admin.EDIT_RESET, color="secondary", size="sm", outline=True),
                        md=4,
                        className="d-flex align-items-end mb-2",
                    ),
                ]
            ),
            dbc.Button(
                t("adm.disable" if enabled else "adm.enable", lang),
                id=ids.admin.EDIT_TOGGLE,
                color="danger" if enabled else "success",
                outline=True,
                size="sm",
            ),
            html.P(t("adm.sessions_end", lang), className="text-muted small mt-2 mb-0"),
        ]
    )


def users_tab(rows: list[dict[str, Any]], choices: Choices, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(users_grid(rows, lang), className="mb-3"),
            dbc.Row(
                [
                    dbc.Col(card(t("adm.user_new", lang), user_form(choices, lang)), lg=7),
                    dbc.Col(
                        card(
                            t("adm.user_edit", lang),
                            dbc.Label(t("adm.user_pick", lang), html_for=ids.admin.EDIT_PICK),
                            choose(ids.admin.EDIT_PICK, choices.users, t("adm.choose", lang), className="mb-3"),
                            html.Div(user_editor(None, choices, lang), id=ids.admin.EDIT_PANEL),
                            status(ids.admin.EDIT_STATUS),
                        ),
                        lg=5,
                    ),
                ]
            ),
        ],
        className="pt-3",
    )
