"""The grants tab: grants by object with remove buttons, and the new-grant form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t, who_name
from layouts import ids
from layouts.admin.parts import (
    Choices,
    card,
    choose,
    field,
    remove_button,
    status,
    suggestions,
    table,
)


def grants_table(grants: Sequence[Mapping[str, Any]], names: Mapping[tuple[str, str], str], lang: str) -> Any:
    """Each grant with the object's name when it is a known dataset or indicator, and a remove button."""
    if not grants:
        return html.P(t("adm.no_grants", lang), className="text-muted mb-0")
    rows = []
    for g in grants:
        name = names.get((g["object_type"], g["object_id"]))
        rows.append(
            html.Tr(
                [
                    html.Td(t(f"adm.object.{g['object_type']}", lang)),
                    html.Td(
                        [
                            html.Div(name or t("adm.unknown_object", lang), className="" if name else "text-warning"),
                            html.Div(g["object_id"], className="small text-muted font-monospace"),
                        ]
                    ),
                    html.Td(t(f"adm.grantee.{g['grantee_type']}", lang)),
                    html.Td(g["grantee"]),
                    html.Td(t(f"adm.grant_level.{g['level']}", lang)),
                    html.Td(who_name(g["created_by"], lang)),
                    html.Td(
                        remove_button(ids.admin.GRANT_REMOVE, int(g["id"]), t("adm.remove", lang), t("adm.remove_grant", lang, id=g["id"]))
                    ),
                ],
                className="grant-row",
            )
        )
    headers = [
        t(k, lang) for k in ("adm.object_type", "adm.object", "adm.grantee_type", "adm.grantee", "adm.grant_level", "adm.created_by")
    ]
    return table([*headers, ""], rows)


def grants_tab(grants: Sequence[Mapping[str, Any]], names: Mapping[tuple[str, str], str], choices: Choices, lang: str) -> html.Div:
    words = choices.words
    type_options = [{"label": t(f"adm.object.{o}", lang), "value": o} for o in words.object_types]
    filters = dbc.Row(
        [
            field(
                t("adm.object_type", lang),
                choose(ids.admin.GRANT_FILTER_TYPE, [(o, t(f"adm.object.{o}", lang)) for o in words.object_types], t("adm.all", lang)),
                ids.admin.GRANT_FILTER_TYPE,
            ),
            field(
                t("adm.object_id", lang),
                dbc.Input(id=ids.admin.GRANT_FILTER_ID, list=ids.admin.GRANT_ALL_OBJECTS, debounce=True, maxLength=120, type="search"),
                ids.admin.GRANT_FILTER_ID,
                md=8,
            ),
            html.Datalist(suggestions([*choices.datasets, *choices.indicators]), id=ids.admin.GRANT_ALL_OBJECTS),
        ]
    )
    form = dbc.Form(
        [
            dbc.Row(
                [
                    field(
                        t("adm.object_type", lang),
                        dbc.Select(id=ids.admin.GRANT_OBJECT_TYPE, options=type_options, value="dataset"),
                        ids.admin.GRANT_OBJECT_TYPE,
                    ),
                    field(
                        t("adm.object_id", lang),
                        dbc.Input(id=ids.admin.GRANT_OBJECT_ID, list=ids.admin.GRANT_OBJECTS, maxLength=120, autocomplete="off"),
                        ids.admin.GRANT_OBJECT_ID,
                        md=8,
                    ),
                    html.Datalist(suggestions(choices.datasets), id=ids.admin.GRANT_OBJECTS),
                    field(
                        t("adm.grantee_type", lang),
                        dbc.Select(
                            id=ids.admin.GRANT_GRANTEE_TYPE,
                            options=[{"label": t(f"adm.grantee.{g}", lang), "value": g} for g in words.grantee_types],
                            value="department",
                        ),
                        ids.admin.GRANT_GRANTEE_TYPE,
                    ),
                    field(
                        t("adm.grantee", lang),
                        dbc.Input(id=ids.admin.GRANT_GRANTEE, list=ids.admin.GRANT_GRANTEES, maxLength=64, autocomplete="off"),
                        ids.admin.GRANT_GRANTEE,
                    ),
                    html.Datalist(suggestions(choices.departments), id=ids.admin.GRANT_GRANTEES),
                    field(
                        t("adm.grant_level", lang),
                        dbc.Select(
                            id=ids.admin.GRANT_LEVEL,
                            options=[{"label": t(f"adm.grant_level.{lv}", lang), "value": lv} for lv in words.grant_levels],
                            value="view",
                        ),
                        ids.admin.GRANT_LEVEL,
                    ),
                ]
            ),
            html.P(t("adm.grant_hint", lang), className="text-muted small"),
            dbc.Button(t("adm.grant_add", lang), type="submit", color="primary", size="sm"),
            status(ids.admin.GRANT_STATUS),
        ],
        id=ids.admin.GRANT_FORM,
    )
    return html.Div(
        [
            card(
                t("adm.grants", lang),
                filters,
                html.Div(grants_table(grants, names, lang), id=ids.admin.GRANT_TABLE),
                status(ids.admin.GRANT_REMOVE_STATUS),
            ),
            card(t("adm.grant_new", lang), form),
        ],
        className="pt-3",
    )
