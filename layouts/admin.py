"""Administration screens (users, departments and areas, grants, row policies, audit log, view as a user) and My API tokens.

Pure functions of values the callbacks have read; every id comes from layouts/ids.py. User-written text
(names, templates, audit details) is passed as plain strings, so Dash renders it as text, never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import citytime
from i18n import PSEUDO_AUTHORS, t, who_name
from layouts import ids
from layouts.common import empty_state, fmt_number, grid_words, words_formatter
from layouts.indicators import fmt_value, light_badge, unit_label
from layouts.shell import page_title

TABS = ("users", "departments", "grants", "policies", "audit", "view_as")
POLITE: dict[str, Any] = {"aria-live": "polite", "role": "status"}
GRID_CLASS = "ag-theme-alpine"
MAX_VALUE_ROWS = 6
DEFAULT_ROLE = "staff"

Option = tuple[str, str]  # (value, label)


@dataclass(frozen=True)
class Vocabulary:
    """The fixed words of the access model, passed in from the services' own constants (layouts import no services)."""

    roles: tuple[str, ...] = ()
    area_levels: tuple[str, ...] = ()
    object_types: tuple[str, ...] = ()
    grantee_types: tuple[str, ...] = ()
    grant_levels: tuple[str, ...] = ()
    policy_kinds: tuple[str, ...] = ()
    user_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choices:
    """What an administrator picks from: the vocabulary, and (value, label) pairs read by the callback."""

    words: Vocabulary
    departments: tuple[Option, ...] = ()
    areas: tuple[Option, ...] = ()  # area code → indented name
    users: tuple[Option, ...] = ()
    datasets: tuple[Option, ...] = ()
    indicators: tuple[Option, ...] = ()


def options(pairs: Sequence[Option], blank: str | None = None) -> list[dict[str, str]]:
    """Select options; `blank` adds an empty first choice with that label."""
    head = [{"label": blank, "value": ""}] if blank is not None else []
    return head + [{"label": label, "value": value} for value, label in pairs]


def choose(id_: str, pairs: Sequence[Option], blank: str, value: str = "", **props: Any) -> dbc.Select:
    """A native select whose empty choice reads `blank` (dbc shows its placeholder for the value "")."""
    return dbc.Select(id=id_, options=options(pairs, blank), value=value, placeholder=blank, **props)


def suggestions(pairs: Sequence[Option]) -> list[html.Option]:
    """<datalist> entries: the value is typed into the field, the label helps pick it."""
    return [html.Option(value=value, label=label) for value, label in pairs]


def _field(label: str, control: Any, control_id: str, md: int = 4) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id), control], md=md, className="mb-2")


def _card(title: str, *children: Any) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6 mb-3"), *children]), className="mb-3")


def _status(id_: str) -> html.Div:
    return html.Div(id=id_, className="mt-2", **POLITE)


def _remove_button(kind: str, index: int, text: str, label: str) -> html.Button:
    """A per-row action button; `label` names the row for screen readers."""
    aria: dict[str, Any] = {"aria-label": label}
    return html.Button(
        text, id={"type": kind, "index": index}, className="btn btn-sm btn-outline-danger", type="button", title=label, **aria
    )


def _table(headers: Sequence[str], rows: Sequence[html.Tr], numeric: Sequence[int] = ()) -> dbc.Table:
    """A compact table; the `numeric` columns' headers align right like their numbers."""
    head = [html.Th(h, className="text-end" if i in numeric else None) for i, h in enumerate(headers)]
    return dbc.Table(
        [html.Thead(html.Tr(head)), html.Tbody(list(rows))], size="sm", striped=True, hover=True, responsive=True, className="bg-white mb-0"
    )


# -- results of an action ---------------------------------------------------------------------------
def _where(issue: Mapping[str, Any], lang: str) -> str:
    if issue.get("line") is not None:
        return t("adm.at", lang, line=issue["line"], col=issue.get("col", "?"))
    return ""


def error_alert(message: str, issues: Sequence[Mapping[str, Any]], lang: str) -> dbc.Alert:
    """A service's user error: its message and every issue (with line and column when known), as text."""
    items = [html.Li(f"{issue.get('message', '')}{_where(issue, lang)}", className="issue") for issue in issues]
    return dbc.Alert(
        [html.Div(message, className="fw-semibold"), html.Ul(items, className="mb-0 mt-1") if items else None],
        color="danger",
        className="mb-0 admin-error",
    )


def done_alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="success", className="mb-0 admin-done")


# -- users ------------------------------------------------------------------------------------------
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
        id=ids.ADM_USER_GRID,
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
                    _field(
                        t("adm.username", lang), dbc.Input(id=ids.ADM_NEW_USERNAME, maxLength=64, autocomplete="off"), ids.ADM_NEW_USERNAME
                    ),
                    _field(t("adm.display_name", lang), dbc.Input(id=ids.ADM_NEW_DISPLAY, maxLength=200), ids.ADM_NEW_DISPLAY),
                    _field(
                        t("adm.password", lang),
                        dbc.Input(id=ids.ADM_NEW_PASSWORD, type="password", maxLength=512, autocomplete="new-password"),
                        ids.ADM_NEW_PASSWORD,
                    ),
                    _field(
                        t("adm.role", lang),
                        dbc.Select(id=ids.ADM_NEW_ROLE, options=_roles(choices.words, lang), value=DEFAULT_ROLE),
                        ids.ADM_NEW_ROLE,
                    ),
                    _field(
                        t("adm.department", lang),
                        choose(ids.ADM_NEW_DEPARTMENT, choices.departments, t("adm.choose", lang)),
                        ids.ADM_NEW_DEPARTMENT,
                    ),
                    _field(
                        t("adm.district", lang),
                        choose(ids.ADM_NEW_DISTRICT, choices.areas, t("adm.no_district", lang)),
                        ids.ADM_NEW_DISTRICT,
                    ),
                ]
            ),
            dbc.Button(t("adm.user_create", lang), id=ids.ADM_NEW_SUBMIT, type="submit", color="primary"),
            _status(ids.ADM_NEW_STATUS),
        ],
        id=ids.ADM_NEW_FORM,
    )


def user_editor(user: Mapping[str, Any] | None, choices: Choices, lang: str) -> html.Div:
    """The chosen user's role, department and district, a new password, and enable/disable."""
    if user is None:
        return html.Div(t("adm.pick_hint", lang), className="text-muted small")
    enabled = bool(user["enabled"])
    return html.Div(
        [
            dcc.Store(id=ids.ADM_EDIT_USER, data={"username": user["username"], "enabled": enabled}),
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
                    _field(
                        t("adm.role", lang),
                        dbc.Select(id=ids.ADM_EDIT_ROLE, options=_roles(choices.words, lang), value=user["role"]),
                        ids.ADM_EDIT_ROLE,
                    ),
                    _field(
                        t("adm.department", lang),
                        dbc.Select(id=ids.ADM_EDIT_DEPARTMENT, options=options(choices.departments), value=user["department"]),
                        ids.ADM_EDIT_DEPARTMENT,
                    ),
                    _field(
                        t("adm.district", lang),
                        choose(ids.ADM_EDIT_DISTRICT, choices.areas, t("adm.no_district", lang), user["area_code"]),
                        ids.ADM_EDIT_DISTRICT,
                    ),
                ]
            ),
            dbc.Button(t("adm.save", lang), id=ids.ADM_EDIT_SAVE, color="primary", size="sm", className="mb-3"),
            dbc.Row(
                [
                    _field(
                        t("adm.new_password", lang),
                        dbc.Input(id=ids.ADM_EDIT_PASSWORD, type="password", maxLength=512, autocomplete="new-password"),
                        ids.ADM_EDIT_PASSWORD,
                        md=8,
                    ),
                    dbc.Col(
                        dbc.Button(t("adm.reset_password", lang), id=ids.ADM_EDIT_RESET, color="secondary", size="sm", outline=True),
                        md=4,
                        className="d-flex align-items-end mb-2",
                    ),
                ]
            ),
            dbc.Button(
                t("adm.disable" if enabled else "adm.enable", lang),
                id=ids.ADM_EDIT_TOGGLE,
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
                    dbc.Col(_card(t("adm.user_new", lang), user_form(choices, lang)), lg=7),
                    dbc.Col(
                        _card(
                            t("adm.user_edit", lang),
                            dbc.Label(t("adm.user_pick", lang), html_for=ids.ADM_EDIT_PICK),
                            choose(ids.ADM_EDIT_PICK, choices.users, t("adm.choose", lang), className="mb-3"),
                            html.Div(user_editor(None, choices, lang), id=ids.ADM_EDIT_PANEL),
                            _status(ids.ADM_EDIT_STATUS),
                        ),
                        lg=5,
                    ),
                ]
            ),
        ],
        className="pt-3",
    )


# -- departments and areas --------------------------------------------------------------------------
def departments_table(departments: Sequence[Mapping[str, str]], lang: str) -> dbc.Table:
    rows = [html.Tr([html.Td(d["code"], className="font-monospace"), html.Td(d["name_zh"]), html.Td(d["name_en"])]) for d in departments]
    return _table([t("adm.code", lang), t("adm.name_zh", lang), t("adm.name_en", lang)], rows)


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
                    _field(
                        t("adm.code", lang), dbc.Input(id=ids.ADM_DEPT_CODE, maxLength=64, placeholder="water_affairs"), ids.ADM_DEPT_CODE
                    ),
                    _field(t("adm.name_zh", lang), dbc.Input(id=ids.ADM_DEPT_NAME_ZH, maxLength=200), ids.ADM_DEPT_NAME_ZH),
                    _field(t("adm.name_en", lang), dbc.Input(id=ids.ADM_DEPT_NAME_EN, maxLength=200), ids.ADM_DEPT_NAME_EN),
                ]
            ),
            dbc.Button(t("adm.department_create", lang), type="submit", color="primary", size="sm"),
            _status(ids.ADM_DEPT_STATUS),
        ],
        id=ids.ADM_DEPT_FORM,
        className="mt-3",
    )
    area_form = dbc.Form(
        [
            dbc.Row(
                [
                    _field(t("adm.code", lang), dbc.Input(id=ids.ADM_AREA_CODE, maxLength=64), ids.ADM_AREA_CODE),
                    _field(t("adm.name_zh", lang), dbc.Input(id=ids.ADM_AREA_NAME_ZH, maxLength=200), ids.ADM_AREA_NAME_ZH),
                    _field(t("adm.name_en", lang), dbc.Input(id=ids.ADM_AREA_NAME_EN, maxLength=200), ids.ADM_AREA_NAME_EN),
                    _field(
                        t("adm.level", lang),
                        dbc.Select(
                            id=ids.ADM_AREA_LEVEL,
                            options=[{"label": t(f"adm.level.{lv}", lang), "value": lv} for lv in choices.words.area_levels],
                            value="street",
                        ),
                        ids.ADM_AREA_LEVEL,
                        md=6,
                    ),
                    _field(
                        t("adm.parent", lang),
                        choose(ids.ADM_AREA_PARENT, area_options(nodes, lang), t("adm.no_parent", lang)),
                        ids.ADM_AREA_PARENT,
                        md=6,
                    ),
                ]
            ),
            dbc.Button(t("adm.area_create", lang), type="submit", color="primary", size="sm"),
            _status(ids.ADM_AREA_STATUS),
        ],
        id=ids.ADM_AREA_FORM,
        className="mt-3",
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        _card(
                            t("adm.departments", lang),
                            html.Div(departments_table(departments, lang), id=ids.ADM_DEPT_TABLE),
                            department_form,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        _card(
                            t("adm.areas", lang),
                            html.Div(area_tree(nodes, lang), id=ids.ADM_AREA_TREE, style={"maxHeight": "420px", "overflowY": "auto"}),
                            area_form,
                        ),
                        lg=6,
                    ),
                ]
            ),
        ],
        className="pt-3",
    )


# -- grants -----------------------------------------------------------------------------------------
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
                        _remove_button(ids.ADM_GRANT_REMOVE, int(g["id"]), t("adm.remove", lang), t("adm.remove_grant", lang, id=g["id"]))
                    ),
                ],
                className="grant-row",
            )
        )
    headers = [
        t(k, lang) for k in ("adm.object_type", "adm.object", "adm.grantee_type", "adm.grantee", "adm.grant_level", "adm.created_by")
    ]
    return _table([*headers, ""], rows)


def grants_tab(grants: Sequence[Mapping[str, Any]], names: Mapping[tuple[str, str], str], choices: Choices, lang: str) -> html.Div:
    words = choices.words
    type_options = [{"label": t(f"adm.object.{o}", lang), "value": o} for o in words.object_types]
    filters = dbc.Row(
        [
            _field(
                t("adm.object_type", lang),
                choose(ids.ADM_GRANT_FILTER_TYPE, [(o, t(f"adm.object.{o}", lang)) for o in words.object_types], t("adm.all", lang)),
                ids.ADM_GRANT_FILTER_TYPE,
            ),
            _field(
                t("adm.object_id", lang),
                dbc.Input(id=ids.ADM_GRANT_FILTER_ID, list=ids.ADM_GRANT_ALL_OBJECTS, debounce=True, maxLength=120, type="search"),
                ids.ADM_GRANT_FILTER_ID,
                md=8,
            ),
            html.Datalist(suggestions([*choices.datasets, *choices.indicators]), id=ids.ADM_GRANT_ALL_OBJECTS),
        ]
    )
    form = dbc.Form(
        [
            dbc.Row(
                [
                    _field(
                        t("adm.object_type", lang),
                        dbc.Select(id=ids.ADM_GRANT_OBJECT_TYPE, options=type_options, value="dataset"),
                        ids.ADM_GRANT_OBJECT_TYPE,
                    ),
                    _field(
                        t("adm.object_id", lang),
                        dbc.Input(id=ids.ADM_GRANT_OBJECT_ID, list=ids.ADM_GRANT_OBJECTS, maxLength=120, autocomplete="off"),
                        ids.ADM_GRANT_OBJECT_ID,
                        md=8,
                    ),
                    html.Datalist(suggestions(choices.datasets), id=ids.ADM_GRANT_OBJECTS),
                    _field(
                        t("adm.grantee_type", lang),
                        dbc.Select(
                            id=ids.ADM_GRANT_GRANTEE_TYPE,
                            options=[{"label": t(f"adm.grantee.{g}", lang), "value": g} for g in words.grantee_types],
                            value="department",
                        ),
                        ids.ADM_GRANT_GRANTEE_TYPE,
                    ),
                    _field(
                        t("adm.grantee", lang),
                        dbc.Input(id=ids.ADM_GRANT_GRANTEE, list=ids.ADM_GRANT_GRANTEES, maxLength=64, autocomplete="off"),
                        ids.ADM_GRANT_GRANTEE,
                    ),
                    html.Datalist(suggestions(choices.departments), id=ids.ADM_GRANT_GRANTEES),
                    _field(
                        t("adm.grant_level", lang),
                        dbc.Select(
                            id=ids.ADM_GRANT_LEVEL,
                            options=[{"label": t(f"adm.grant_level.{lv}", lang), "value": lv} for lv in words.grant_levels],
                            value="view",
                        ),
                        ids.ADM_GRANT_LEVEL,
                    ),
                ]
            ),
            html.P(t("adm.grant_hint", lang), className="text-muted small"),
            dbc.Button(t("adm.grant_add", lang), type="submit", color="primary", size="sm"),
            _status(ids.ADM_GRANT_STATUS),
        ],
        id=ids.ADM_GRANT_FORM,
    )
    return html.Div(
        [
            _card(
                t("adm.grants", lang),
                filters,
                html.Div(grants_table(grants, names, lang), id=ids.ADM_GRANT_TABLE),
                _status(ids.ADM_GRANT_REMOVE_STATUS),
            ),
            _card(t("adm.grant_new", lang), form),
        ],
        className="pt-3",
    )


# -- row policies -----------------------------------------------------------------------------------
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
                    _remove_button(ids.ADM_POLICY_REMOVE, int(p["id"]), t("adm.remove", lang), t("adm.remove_policy", lang, id=p["id"]))
                ),
            ],
            className="policy-row",
        )
        for p in policies
    ]
    return _table([t("adm.dataset", lang), t("adm.kind", lang), t("adm.rule", lang), t("adm.created_by", lang), ""], rows)


def policies_tab(policies: Sequence[Mapping[str, Any]], choices: Choices, lang: str) -> html.Div:
    attributes = html.Ul(
        [html.Li([html.Code(a), " — ", t(f"adm.attr.{a}", lang)]) for a in choices.words.user_attributes],
        className="small mb-2",
    )
    form = dbc.Form(
        [
            dbc.Label(t("adm.kind", lang), html_for=ids.ADM_POLICY_KIND),
            dbc.RadioItems(
                id=ids.ADM_POLICY_KIND,
                options=[{"label": t(f"adm.kind_help.{k}", lang), "value": k} for k in choices.words.policy_kinds],
                value="area",
                className="mb-2",
            ),
            dbc.Row(
                [
                    _field(t("adm.column", lang), choose(ids.ADM_POLICY_COLUMN, [], t("adm.choose", lang)), ids.ADM_POLICY_COLUMN),
                    _field(
                        t("adm.template", lang),
                        dbc.Textarea(id=ids.ADM_POLICY_TEMPLATE, maxLength=1000, rows=2, placeholder="owner_department = user_department"),
                        ids.ADM_POLICY_TEMPLATE,
                        md=8,
                    ),
                ]
            ),
            html.Div(t("adm.attr_intro", lang), className="small text-muted"),
            attributes,
            html.Div(t("adm.policy_note", lang), className="small text-muted mb-2"),
            dbc.Button(t("adm.policy_add", lang), type="submit", color="primary", size="sm"),
            _status(ids.ADM_POLICY_STATUS),
        ],
        id=ids.ADM_POLICY_FORM,
    )
    names = dict(choices.datasets)
    return html.Div(
        [
            dbc.Row(
                _field(
                    t("adm.dataset", lang),
                    choose(ids.ADM_POLICY_DATASET, choices.datasets, t("adm.all_datasets", lang)),
                    ids.ADM_POLICY_DATASET,
                    md=6,
                ),
                className="mb-2",
            ),
            _card(
                t("adm.policies", lang),
                html.Div(policies_table(policies, names, lang), id=ids.ADM_POLICY_TABLE),
                _status(ids.ADM_POLICY_REMOVE_STATUS),
            ),
            _card(t("adm.policy_new", lang), form),
        ],
        className="pt-3",
    )


# -- audit log --------------------------------------------------------------------------------------
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
                _field(
                    t("adm.audit_actor", lang), dbc.Input(id=ids.ADM_AUDIT_ACTOR, maxLength=64, type="search"), ids.ADM_AUDIT_ACTOR, md=3
                ),
                _field(
                    t("adm.audit_action", lang),
                    dbc.Input(id=ids.ADM_AUDIT_ACTION, maxLength=64, type="search", placeholder="user."),
                    ids.ADM_AUDIT_ACTION,
                    md=3,
                ),
                _field(t("adm.from", lang), dbc.Input(id=ids.ADM_AUDIT_FROM, type="date"), ids.ADM_AUDIT_FROM, md=2),
                _field(t("adm.to", lang), dbc.Input(id=ids.ADM_AUDIT_TO, type="date"), ids.ADM_AUDIT_TO, md=2),
                dbc.Col(dbc.Button(t("adm.filter", lang), type="submit", color="primary"), md=2, className="d-flex align-items-end mb-2"),
            ]
        ),
        id=ids.ADM_AUDIT_FORM,
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
                id=ids.ADM_AUDIT_GRID,
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


# -- view as ----------------------------------------------------------------------------------------
def view_as_tab(choices: Choices, lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("adm.view_as_intro", lang), className="text-muted"),
            dbc.Row(
                [
                    _field(
                        t("adm.view_as_user", lang),
                        choose(ids.ADM_VIEW_USER, choices.users, t("adm.choose", lang)),
                        ids.ADM_VIEW_USER,
                        md=6,
                    ),
                ]
            ),
            html.Div(id=ids.ADM_VIEW_RESULT, **POLITE),
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
            _table(
                [t("col.name", lang), t("col.department", lang), t("adm.visible_rows", lang), t("adm.all_rows", lang), ""],
                dataset_rows,
                numeric=(2, 3),
            )
            if datasets
            else html.P(t("home.empty", lang), className="text-muted"),
            html.H3(t("adm.view_indicators", lang, n=len(indicators)), className="h6 mt-3"),
            html.Div(
                _table([t("adm.indicator_id", lang), t("col.name", lang), t("col.department", lang)], indicator_rows)
                if indicators
                else html.P(t("cat.none", lang), className="text-muted"),
                style={"maxHeight": "360px", "overflowY": "auto"},
            ),
            dbc.Row(
                _field(
                    t("adm.view_as_indicator", lang),
                    choose(ids.ADM_VIEW_INDICATOR, [(i["id"], f"{i['name']} ({i['id']})") for i in indicators], t("adm.choose", lang)),
                    ids.ADM_VIEW_INDICATOR,
                    md=6,
                ),
                className="mt-3",
            )
            if indicators
            else None,
            html.Div(id=ids.ADM_VIEW_VALUES, **POLITE),
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
        _table([t("ind.period", lang), t("ind.value", lang), t("adm.light", lang)], body, numeric=(1,)),
        className="mt-2",
        style={"maxWidth": "640px"},
    )


# -- the page ---------------------------------------------------------------------------------------
def admin_page(
    lang: str,
    tab: str,
    choices: Choices,
    users: list[dict[str, Any]],
    departments: Sequence[Mapping[str, str]],
    areas: Sequence[Mapping[str, Any]],
    grants: Sequence[Mapping[str, Any]],
    object_names: Mapping[tuple[str, str], str],
    policies: Sequence[Mapping[str, Any]],
    events: list[dict[str, Any]],
) -> html.Div:
    """The administration area: one tab per task; `tab` picks the open one (from `?tab=`)."""
    return html.Div(
        [
            page_title(t("adm.title", lang)),
            dbc.Tabs(
                [
                    dbc.Tab(users_tab(users, choices, lang), label=t("adm.tab.users", lang), tab_id="users"),
                    dbc.Tab(departments_tab(departments, areas, choices, lang), label=t("adm.tab.departments", lang), tab_id="departments"),
                    dbc.Tab(grants_tab(grants, object_names, choices, lang), label=t("adm.tab.grants", lang), tab_id="grants"),
                    dbc.Tab(policies_tab(policies, choices, lang), label=t("adm.tab.policies", lang), tab_id="policies"),
                    dbc.Tab(audit_tab(events, lang), label=t("adm.tab.audit", lang), tab_id="audit"),
                    dbc.Tab(view_as_tab(choices, lang), label=t("adm.tab.view_as", lang), tab_id="view_as"),
                ],
                id=ids.ADM_TABS,
                active_tab=tab if tab in TABS else "users",
            ),
        ]
    )


def no_permission(lang: str) -> html.Div:
    """What non-administrators get at /admin: a message and nothing else."""
    return empty_state(t("adm.forbidden", lang), t("adm.forbidden_hint", lang))


# -- my API tokens ----------------------------------------------------------------------------------
def tokens_table(tokens: Sequence[Mapping[str, Any]], lang: str) -> Any:
    if not tokens:
        return html.P(t("tok.none", lang), className="text-muted mb-0")
    rows = [
        html.Tr(
            [
                html.Td(tok["name"] or "—"),
                html.Td(html.Code(f"{tok['prefix']}…")),
                html.Td(citytime.show_stored(tok["created_at"])),
                html.Td(citytime.show_stored(tok["last_used_at"]) or "—"),
                html.Td(
                    dbc.Badge(t("tok.revoked", lang), color="secondary")
                    if tok["revoked"]
                    else _remove_button(
                        ids.TOK_REVOKE,
                        int(tok["id"]),
                        t("tok.revoke", lang),
                        t("tok.revoke_label", lang, name=tok["name"] or tok["prefix"]),
                    )
                ),
            ],
            className="token-row" + (" text-muted" if tok["revoked"] else ""),
        )
        for tok in tokens
    ]
    return _table([t("tok.name", lang), t("tok.prefix", lang), t("tok.created", lang), t("tok.last_used", lang), ""], rows)


def token_created(token: str, name: str, lang: str) -> dbc.Alert:
    """The new token, shown once, with a copy button."""
    return dbc.Alert(
        [
            html.Div(t("tok.created_once", lang, name=name or "—"), className="fw-semibold mb-2"),
            html.Div(
                [
                    html.Code(token, id=ids.TOK_VALUE, className="user-select-all fs-6 me-2"),
                    dcc.Clipboard(target_id=ids.TOK_VALUE, title=t("tok.copy", lang), className="d-inline-block"),
                ],
                className="d-flex align-items-center",
            ),
            html.Div(t("tok.copy_hint", lang), className="small mt-2"),
        ],
        color="success",
        className="token-created",
    )


def tokens_page(tokens: Sequence[Mapping[str, Any]], lang: str) -> html.Div:
    form = dbc.Form(
        dbc.Row(
            [
                _field(
                    t("tok.name", lang),
                    dbc.Input(id=ids.TOK_NAME, maxLength=200, autocomplete="off", placeholder=t("tok.name_hint", lang)),
                    ids.TOK_NAME,
                    md=6,
                ),
                dbc.Col(dbc.Button(t("tok.create", lang), type="submit", color="primary"), md=3, className="d-flex align-items-end mb-2"),
            ]
        ),
        id=ids.TOK_FORM,
    )
    return html.Div(
        [
            page_title(t("tok.title", lang)),
            html.P([t("tok.intro", lang), " ", html.Code("Authorization: Bearer <token>")], className="text-muted"),
            _card(t("tok.new", lang), form, html.Div(id=ids.TOK_CREATED_BOX, **POLITE)),
            _card(t("tok.list", lang), html.Div(tokens_table(tokens, lang), id=ids.TOK_TABLE), _status(ids.TOK_STATUS)),
        ]
    )
