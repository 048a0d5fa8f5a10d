"""The row policies tab: policies by dataset with remove buttons, and the new-policy form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t
from layouts import ids
from layouts.admin.parts import (
    Choices,
    card,
    choose,
    field,
    remove_button,
    status,
    table,
)


def policies_table(policies: Sequence[Mapping[str, Any]], names: Mapping[str, str], lang: str) -> Any:
    if not policies:
        return html.P(t("adm.no_policies", lang), className="text-muted mb-0")
    rows = [
        html.Tr(
            [
                html.Td(
                    [
                        html.Div(names.get(p["dataset_id"], p["dataset_id"])),
                        html.Div(p["dataset_id"], className="small text-muted font-monospace"),
                    ]
                ),
                html.Td(t(f"adm.kind.{p['kind']}", lang)),
                html.Td(html.Code(p["column"] if p["kind"] == "area" else p["template"])),
                html.Td(p["created_by"]),
                html.Td(
                    remove_button(ids.admin.POLICY_REMOVE, int(p["id"]), t("adm.remove", lang), t("adm.remove_policy", lang, id=p["id"]))
                ),
            ],
            className="policy-row",
        )
        for p in policies
    ]
    return table([t("adm.dataset", lang), t("adm.kind", lang), t("adm.rule", lang), t("adm.created_by", lang), ""], rows)


def policies_tab(policies: Sequence[Mapping[str, Any]], choices: Choices, lang: str) -> html.Div:
    attributes = html.Ul(
        [html.Li([html.Code(a), " — ", t(f"adm.attr.{a}", lang)]) for a in choices.words.user_attributes],
        className="small mb-2",
    )
    form = dbc.Form(
        [
            dbc.Label(t("adm.kind", lang), html_for=ids.admin.POLICY_KIND),
            dbc.RadioItems(
                id=ids.admin.POLICY_KIND,
                options=[{"label": t(f"adm.kind_help.{k}", lang), "value": k} for k in choices.words.policy_kinds],
                value="area",
                className="mb-2",
            ),
            dbc.Row(
                [
                    field(t("adm.column", lang), choose(ids.admin.POLICY_COLUMN, [], t("adm.choose", lang)), ids.admin.POLICY_COLUMN),
                    field(
                        t("adm.template", lang),
                        dbc.Textarea(
                            id=ids.admin.POLICY_TEMPLATE, maxLength=1000, rows=2, placeholder="owner_department = user_department"
                        ),
                        ids.admin.POLICY_TEMPLATE,
                        md=8,
                    ),
                ]
            ),
            html.Div(t("adm.attr_intro", lang), className="small text-muted"),
            attributes,
            html.Div(t("adm.policy_note", lang), className="small text-muted mb-2"),
            dbc.Button(t("adm.policy_add", lang), type="submit", color="primary", size="sm"),
            status(ids.admin.POLICY_STATUS),
        ],
        id=ids.admin.POLICY_FORM,
    )
    names = dict(choices.datasets)
    return html.Div(
        [
            dbc.Row(
                field(
                    t("adm.dataset", lang),
                    choose(ids.admin.POLICY_DATASET, choices.datasets, t("adm.all_datasets", lang)),
                    ids.admin.POLICY_DATASET,
                    md=6,
                ),
                className="mb-2",
            ),
            card(
                t("adm.policies", lang),
                html.Div(policies_table(policies, names, lang), id=ids.admin.POLICY_TABLE),
                status(ids.admin.POLICY_REMOVE_STATUS),
            ),
            card(t("adm.policy_new", lang), form),
        ],
        className="pt-3",
    )
