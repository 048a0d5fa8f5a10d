"""Departments and areas tab: create a department or an area, and the lists and choices that follow them."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

import callbacks.admin.shared as shared
import layouts.admin.areas as areas_layout
import layouts.admin.parts as parts
import runtime
from access import commands
from access.departments import list_departments
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from errors import UserError
from i18n import t
from layouts import ids


@callback(
    Permission.ADMIN,
    Output(ids.admin.DEPT_STATUS, "children"),
    Input(ids.admin.DEPT_FORM, "n_submit"),
    State(ids.admin.DEPT_CODE, "value"),
    State(ids.admin.DEPT_NAME_ZH, "value"),
    State(ids.admin.DEPT_NAME_EN, "value"),
    prevent_initial_call=True,
)
def add_department(_submit: Any, code: Any, name_zh: Any, name_en: Any) -> dbc.Alert:
    lang = user_lang()
    try:
        dept = commands.create_department(
            runtime.current().store, actor(), shared.text(code, 64), shared.text(name_zh), shared.text(name_en), address=shared.address()
        )
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t("adm.department_created", lang, code=dept.code))


@callback(Permission.ADMIN, Output(ids.admin.DEPT_TABLE, "children"), Input(ids.admin.DEPT_STATUS, "children"), prevent_initial_call=True)
def department_table(_changed: Any) -> dbc.Table:
    with runtime.current().store.read() as db:
        listed = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in list_departments(db)]
    return areas_layout.departments_table(listed, user_lang())


@callback(
    Permission.ADMIN, Output(ids.admin.NEW_DEPARTMENT, "options"), Input(ids.admin.DEPT_STATUS, "children"), prevent_initial_call=True
)
def department_picks(_changed: Any) -> list[dict[str, str]]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        return parts.options(shared.departments(db, lang), t("adm.choose", lang))


@callback(
    Permission.ADMIN,
    Output(ids.admin.AREA_STATUS, "children"),
    Input(ids.admin.AREA_FORM, "n_submit"),
    State(ids.admin.AREA_CODE, "value"),
    State(ids.admin.AREA_NAME_ZH, "value"),
    State(ids.admin.AREA_NAME_EN, "value"),
    State(ids.admin.AREA_LEVEL, "value"),
    State(ids.admin.AREA_PARENT, "value"),
    prevent_initial_call=True,
)
def add_area(_submit: Any, code: Any, name_zh: Any, name_en: Any, level: Any, parent: Any) -> dbc.Alert:
    lang = user_lang()
    name = shared.text(name_zh)
    try:
        area = commands.create_area(
            runtime.current().store,
            actor(),
            shared.text(code, 64),
            name,
            shared.text(name_en) or name,
            shared.text(level, 16),
            shared.text(parent, 64),
            address=shared.address(),
        )
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t("adm.area_created", lang, code=area.code))


def _area_picks(blank: str) -> list[dict[str, str]]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        return parts.options(areas_layout.area_options(shared.areas(db), lang), t(blank, lang))


@callback(Permission.ADMIN, Output(ids.admin.AREA_TREE, "children"), Input(ids.admin.AREA_STATUS, "children"), prevent_initial_call=True)
def area_list(_changed: Any) -> html.Div:
    with runtime.current().store.read() as db:
        return areas_layout.area_tree(shared.areas(db), user_lang())


@callback(Permission.ADMIN, Output(ids.admin.AREA_PARENT, "options"), Input(ids.admin.AREA_STATUS, "children"), prevent_initial_call=True)
def parent_picks(_changed: Any) -> list[dict[str, str]]:
    return _area_picks("adm.no_parent")


@callback(Permission.ADMIN, Output(ids.admin.NEW_DISTRICT, "options"), Input(ids.admin.AREA_STATUS, "children"), prevent_initial_call=True)
def district_picks(_changed: Any) -> list[dict[str, str]]:
    return _area_picks("adm.no_district")
