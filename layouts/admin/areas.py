"""The departments and areas tab: the departments table, the area tree and their forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from i18n import t
from layouts import ids
from layouts.admin.parts import (
    Choices,
    Option,
    card,
    choose,
    field,
    status,
    table,
)


def departments_table(departments: Sequence[Mapping[str, str]], lang: str) -> dbc.Table:
    rows = [html.Tr([html.Td(d["code"], className="font-monospace"), html.Td(d["name_zh"]), html.Td(d["name_en"])]) for d in departments]
    return table([t("adm.code", lang), t("adm.name_zh", lang), t("adm.name_en", lang)], rows)


def _children(nodes: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], dict[str, list[Mapping[str, Any]]]]:
    """(roots, children by parent code): an area whose parent is unknown is a root."""
    known = {n["code"] for n in nodes}
    below: dict[str, list[Mapping[str, Any]]] = {}
    for node in nodes:
        if node["parent"] in known:
            below.setdefault(node["parent"], []).append(node)
    return [n for n in nodes if n["parent"] not in known], below


def _area_name(node: Mapping[str, Any], lang: str) -> str:
    return str(node["name_en"] if lang == "en" and node["name_en"] else node["name_zh"])


def area_tree(nodes: Sequence[Mapping[str, Any]], lang: str) -> html.Div:
    """City → district → street as nested lists, each level indented under its parent."""
    roots, below = _children(nodes)

    def branch(level: Sequence[Mapping[str, Any]]) -> html.Ul:
        return html.Ul(
            [
                html.Li(
                    [
                        html.Span(_area_name(node, lang), className="area-name"),
                        html.Span(f" {node['code']}", className="text-muted small font-monospace"),
                        dbc.Badge(t(f"adm.level.{node['level']}", lang), color="light", text_color="dark", className="ms-2 fw-normal"),
                        branch(below[node["code"]]) if node["code"] in below else None,
                    ],
                    className=f"area-{node['level']}",
                )
                for node in level
            ],
            className="area-list mb-0",
        )

    return html.Div(branch(roots) if roots else t("adm.no_areas", lang), className="area-tree")


def area_options(nodes: Sequence[Mapping[str, Any]], lang: str) -> tuple[Option, ...]:
    """Areas in tree order as (code, name indented by its depth) for selects."""
    roots, below = _children(nodes)
    out: list[Option] = []

    def visit(node: Mapping[str, Any], depth: int) -> None:
        out.append((str(node["code"]), "\u3000" * depth + _area_name(node, lang)))
        for child in below.get(node["code"], []):
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return tuple(out)


def departments_tab(departments: Sequence[Mapping[str, str]], nodes: Sequence[Mapping[str, Any]], choices: Choices, lang: str) -> html.Div:
    department_form = dbc.Form(
        [
            dbc.Row(
                [
                    field(
                        t("adm.code", lang),
                        dbc.Input(id=ids.admin.DEPT_CODE, maxLength=64, placeholder="water_affairs"),
                        ids.admin.DEPT_CODE,
                    ),
                    field(t("adm.name_zh", lang), dbc.Input(id=ids.admin.DEPT_NAME_ZH, maxLength=200), ids.admin.DEPT_NAME_ZH),
                    field(t("adm.name_en", lang), dbc.Input(id=ids.admin.DEPT_NAME_EN, maxLength=200), ids.admin.DEPT_NAME_EN),
                ]
            ),
            dbc.Button(t("adm.department_create", lang), type="submit", color="primary", size="sm"),
            status(ids.admin.DEPT_STATUS),
        ],
        id=ids.admin.DEPT_FORM,
        className="mt-3",
    )
    area_form = dbc.Form(
        [
            dbc.Row(
                [
                    field(t("adm.code", lang), dbc.Input(id=ids.admin.AREA_CODE, maxLength=64), ids.admin.AREA_CODE),
                    field(t("adm.name_zh", lang), dbc.Input(id=ids.admin.AREA_NAME_ZH, maxLength=200), ids.admin.AREA_NAME_ZH),
                    field(t("adm.name_en", lang), dbc.Input(id=ids.admin.AREA_NAME_EN, maxLength=200), ids.admin.AREA_NAME_EN),
                    field(
                        t("adm.level", lang),
                        dbc.Select(
                            id=ids.admin.AREA_LEVEL,
                            options=[{"label": t(f"adm.level.{lv}", lang), "value": lv} for lv in choices.words.area_levels],
                            value="street",
                        ),
                        ids.admin.AREA_LEVEL,
                        md=6,
                    ),
                    field(
                        t("adm.parent", lang),
                        choose(ids.admin.AREA_PARENT, area_options(nodes, lang), t("adm.no_parent", lang)),
                        ids.admin.AREA_PARENT,
                        md=6,
                    ),
                ]
            ),
            dbc.Button(t("adm.area_create", lang), type="submit", color="primary", size="sm"),
            status(ids.admin.AREA_STATUS),
        ],
        id=ids.admin.AREA_FORM,
        className="mt-3",
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        card(
                            t("adm.departments", lang),
                            html.Div(departments_table(departments, lang), id=ids.admin.DEPT_TABLE),
                            department_form,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        card(
                            t("adm.areas", lang),
                            html.Div(area_tree(nodes, lang), id=ids.admin.AREA_TREE, style={"maxHeight": "420px", "overflowY": "auto"}),
                            area_form,
                        ),
                        lg=6,
                    ),
                ]
            ),
        ],
        className="pt-3",
    )
