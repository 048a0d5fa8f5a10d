"""Administration and My API tokens: the page views (called by callbacks/pages.py) and their callbacks.

Every administration callback declares Permission.ADMIN, so the guard refuses anyone else (403) before the
body runs; the token callbacks need a signed-in user and act only on the caller's own tokens. Values from
the page (usernames, ids, form fields) are requests: the services validate them, and the actor of "view
as" is built on the server from the stored user. Each change is audited in the transaction that makes it.

Each callback has one output. An action writes its result into its status area; the lists it affects
listen to that status and read the store again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html, no_update
from flask import request
from sqlalchemy.orm import Session

import runtime
from access import commands, grants, rowpolicies, users
from access.actor import Actor
from access.audit import events
from access.departments import AREA_LEVELS, area_tree, list_departments
from access.grants import GRANTEE_TYPES, LEVELS, OBJECT_TYPES
from access.policy import USER_ATTRIBUTES
from access.roles import Permission, Role
from callbacks.guard import actor, callback, user_lang
from datasets import catalog
from errors import NotFound, UserError
from i18n import t
from indicators.policies import check_row_policy
from layouts import admin as layout
from layouts import ids
from query.evaluate import values
from query.rows import visible_rows

AUDIT_LIMIT = 500
VIEW_AS_ARGS = {"grain": "year"}
WORDS = layout.Vocabulary(
    roles=tuple(r.value for r in Role),
    area_levels=AREA_LEVELS,
    object_types=OBJECT_TYPES,
    grantee_types=GRANTEE_TYPES,
    grant_levels=LEVELS,
    policy_kinds=rowpolicies.KINDS,
    user_attributes=USER_ATTRIBUTES,
)


def _text(value: Any, limit: int = 200) -> str:
    """A form value as trimmed text; anything that is not text counts as empty."""
    return value.strip()[:limit] if isinstance(value, str) else ""


def _secret(value: Any) -> str:
    """A password exactly as typed (not trimmed)."""
    return value[:512] if isinstance(value, str) else ""


def _clicked() -> Any:
    """The id of the button that ran this callback; None when a button was only (re-)rendered."""
    triggered = dash.ctx.triggered
    if not triggered or not triggered[0].get("value"):
        return None
    return dash.ctx.triggered_id


def _clicked_row(kind: str) -> int | None:
    """The row id of a clicked per-row button ({"type": kind, "index": id})."""
    clicked = _clicked()
    if isinstance(clicked, dict) and clicked.get("type") == kind and isinstance(clicked.get("index"), int):
        return int(clicked["index"])
    return None


def _remove_clicked(button: str, remove: commands.RemoveCommand, done: str) -> Any:
    """Remove the row whose `button` was clicked with the command `remove` (which checks and audits)."""
    lang, row_id = user_lang(), _clicked_row(button)
    if row_id is None:
        return no_update
    try:
        remove(runtime.current().store, actor(), row_id)
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t(done, lang, id=row_id))


def _failed(exc: UserError, lang: str) -> dbc.Alert:
    return layout.error_alert(exc.message(lang), [i.to_dict(lang) for i in exc.issues], lang)


def _address() -> str:
    return request.remote_addr or ""


# -- what the administrator picks from ----------------------------------------------------------------
def _department_labels(db: Session, lang: str) -> dict[str, str]:
    return {d.code: (d.name_en if lang == "en" else d.name_zh) or d.code for d in list_departments(db)}


def _departments(db: Session, lang: str) -> tuple[layout.Option, ...]:
    return tuple((code, f"{label} ({code})") for code, label in _department_labels(db, lang).items())


def _areas(db: Session) -> list[dict[str, Any]]:
    return [dataclasses.asdict(node) for node in area_tree(db)]


def _user_options(listed: list[dict[str, Any]]) -> tuple[layout.Option, ...]:
    return tuple((str(u["username"]), f"{u['display_name']} ({u['username']})") for u in listed)


def _datasets(db: Session, who: Actor, lang: str) -> tuple[layout.Option, ...]:
    return tuple((i.id, i.name(lang)) for i in catalog.list_datasets(db, who))


def _indicators(who: Actor, lang: str) -> tuple[layout.Option, ...]:
    return tuple((i.id, i.name.get(lang)) for i in runtime.current().registry.visible(who))


def _object_names(who: Actor, lang: str) -> dict[tuple[str, str], str]:
    with runtime.current().store.read() as db:
        names = {("dataset", key): label for key, label in _datasets(db, who, lang)}
    return names | {("indicator", key): label for key, label in _indicators(who, lang)}


def admin_view(who: Actor, lang: str, tab: str = "") -> html.Div:
    """The administration page for an administrator (callbacks/pages.py shows others the no-permission state)."""
    indicators = _indicators(who, lang)
    with runtime.current().store.read() as db:
        listed = users.list_users(db)
        areas = _areas(db)
        choices = layout.Choices(
            WORDS,
            departments=_departments(db, lang),
            areas=layout.area_options(areas, lang),
            users=_user_options(listed),
            datasets=_datasets(db, who, lang),
            indicators=indicators,
        )
        departments = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in list_departments(db)]
        user_rows = layout.user_rows(listed, _department_labels(db, lang), lang)
        grant_list = grants.list_grants(db)
        policies = rowpolicies.list_policies(db)
        log = layout.audit_rows(events(db, limit=AUDIT_LIMIT))
    names = {("dataset", key): label for key, label in choices.datasets} | {("indicator", key): label for key, label in indicators}
    return layout.admin_page(lang, tab, choices, user_rows, departments, areas, grant_list, names, policies, log)


# -- users --------------------------------------------------------------------------------------------
@callback(
    Permission.ADMIN,
    Output(ids.ADM_NEW_STATUS, "children"),
    Input(ids.ADM_NEW_FORM, "n_submit"),
    State(ids.ADM_NEW_USERNAME, "value"),
    State(ids.ADM_NEW_DISPLAY, "value"),
    State(ids.ADM_NEW_PASSWORD, "value"),
    State(ids.ADM_NEW_ROLE, "value"),
    State(ids.ADM_NEW_DEPARTMENT, "value"),
    State(ids.ADM_NEW_DISTRICT, "value"),
    prevent_initial_call=True,
)
def create_user(_submit: Any, username: Any, display_name: Any, password: Any, role: Any, department: Any, district: Any) -> dbc.Alert:
    """Create a user; every problem the service finds is shown at once."""
    lang = user_lang()
    try:
        created = commands.create_user(
            runtime.current().store,
            actor(),
            username=_text(username, 64),
            password=_secret(password),
            role=_text(role, 16),
            department=_text(department, 64),
            district=_text(district, 64) or None,
            display_name=_text(display_name),
            address=_address(),
        )
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t("adm.user_created", lang, username=created.username))


@callback(Permission.ADMIN, Output(ids.ADM_NEW_PASSWORD, "value"), Input(ids.ADM_NEW_STATUS, "children"), prevent_initial_call=True)
def clear_new_password(_status: Any) -> str:
    """A password typed into the form does not stay there after the attempt."""
    return ""


@callback(
    Permission.ADMIN,
    Output(ids.ADM_USER_GRID, "rowData"),
    Input(ids.ADM_NEW_STATUS, "children"),
    Input(ids.ADM_EDIT_STATUS, "children"),
    prevent_initial_call=True,
)
def users_grid_rows(_created: Any, _changed: Any) -> list[dict[str, Any]]:
    """The users grid, read again after a user was created or changed."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        return layout.user_rows(users.list_users(db), _department_labels(db, lang), lang)


def _user_picks() -> list[dict[str, str]]:
    with runtime.current().store.read() as db:
        return layout.options(_user_options(users.list_users(db)), t("adm.choose", user_lang()))


@callback(Permission.ADMIN, Output(ids.ADM_EDIT_PICK, "options"), Input(ids.ADM_NEW_STATUS, "children"), prevent_initial_call=True)
def edit_picks(_created: Any) -> list[dict[str, str]]:
    return _user_picks()


@callback(Permission.ADMIN, Output(ids.ADM_VIEW_USER, "options"), Input(ids.ADM_NEW_STATUS, "children"), prevent_initial_call=True)
def view_picks(_created: Any) -> list[dict[str, str]]:
    return _user_picks()


@callback(
    Permission.ADMIN,
    Output(ids.ADM_EDIT_PICK, "value"),
    Input(ids.ADM_USER_GRID, "selectedRows"),
    State(ids.ADM_EDIT_PICK, "value"),
    prevent_initial_call=True,
)
def pick_user(selected: Any, current: Any) -> Any:
    """Choosing a row in the grid chooses that user in the editor. The grid reports its selection again when its
    rows are refreshed after a change: the same user is not chosen again (that would redraw the editor under the
    pointer of someone about to click in it)."""
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return no_update
    chosen = _text(selected[0].get("username"), 64)
    return no_update if chosen == current else chosen


@callback(
    Permission.ADMIN,
    Output(ids.ADM_EDIT_PANEL, "children"),
    Input(ids.ADM_EDIT_PICK, "value"),
    Input(ids.ADM_EDIT_STATUS, "children"),
    prevent_initial_call=True,
)
def edit_panel(username: Any, _changed: Any) -> html.Div:
    """The editor for the chosen user, read from the store (so it shows the state after a change)."""
    lang, name = user_lang(), _text(username, 64)
    with runtime.current().store.read() as db:
        areas = _areas(db)
        choices = layout.Choices(WORDS, departments=_departments(db, lang), areas=layout.area_options(areas, lang))
        try:
            user = users.user_by_name(db, name) if name else None
        except NotFound:
            user = None
        current = users.user_dict(user) | {"area_code": user.area.code if user.area else ""} if user else None
    return layout.user_editor(current, choices, lang)


@callback(
    Permission.ADMIN,
    Output(ids.ADM_EDIT_STATUS, "children"),
    Input(ids.ADM_EDIT_SAVE, "n_clicks"),
    Input(ids.ADM_EDIT_RESET, "n_clicks"),
    Input(ids.ADM_EDIT_TOGGLE, "n_clicks"),
    State(ids.ADM_EDIT_USER, "data"),
    State(ids.ADM_EDIT_ROLE, "value"),
    State(ids.ADM_EDIT_DEPARTMENT, "value"),
    State(ids.ADM_EDIT_DISTRICT, "value"),
    State(ids.ADM_EDIT_PASSWORD, "value"),
    prevent_initial_call=True,
)
def change_user(_save: Any, _reset: Any, _toggle: Any, chosen: Any, role: Any, department: Any, district: Any, password: Any) -> Any:
    """Save role/department/district, set a new password, or enable/disable; the service ends the user's sessions."""
    lang, clicked = user_lang(), _clicked()
    if not isinstance(chosen, dict) or clicked not in (ids.ADM_EDIT_SAVE, ids.ADM_EDIT_RESET, ids.ADM_EDIT_TOGGLE):
        return no_update
    username = _text(chosen.get("username"), 64)
    fields: dict[str, Any]
    if clicked == ids.ADM_EDIT_SAVE:
        fields, done = {"role": _text(role, 16), "department": _text(department, 64), "district": _text(district, 64)}, "adm.user_saved"
    elif clicked == ids.ADM_EDIT_RESET:
        fields, done = {"password": _secret(password)}, "adm.password_reset"
    else:
        enable = not bool(chosen.get("enabled"))
        fields, done = {"enabled": enable}, "adm.user_enabled" if enable else "adm.user_disabled"
    try:
        commands.update_user(runtime.current().store, actor(), username, fields, address=_address())
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t(done, lang, username=username))


# -- departments and areas ----------------------------------------------------------------------------
@callback(
    Permission.ADMIN,
    Output(ids.ADM_DEPT_STATUS, "children"),
    Input(ids.ADM_DEPT_FORM, "n_submit"),
    State(ids.ADM_DEPT_CODE, "value"),
    State(ids.ADM_DEPT_NAME_ZH, "value"),
    State(ids.ADM_DEPT_NAME_EN, "value"),
    prevent_initial_call=True,
)
def add_department(_submit: Any, code: Any, name_zh: Any, name_en: Any) -> dbc.Alert:
    lang = user_lang()
    try:
        dept = commands.create_department(
            runtime.current().store, actor(), _text(code, 64), _text(name_zh), _text(name_en), address=_address()
        )
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t("adm.department_created", lang, code=dept.code))


@callback(Permission.ADMIN, Output(ids.ADM_DEPT_TABLE, "children"), Input(ids.ADM_DEPT_STATUS, "children"), prevent_initial_call=True)
def department_table(_changed: Any) -> dbc.Table:
    with runtime.current().store.read() as db:
        listed = [{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en} for d in list_departments(db)]
    return layout.departments_table(listed, user_lang())


@callback(Permission.ADMIN, Output(ids.ADM_NEW_DEPARTMENT, "options"), Input(ids.ADM_DEPT_STATUS, "children"), prevent_initial_call=True)
def department_picks(_changed: Any) -> list[dict[str, str]]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        return layout.options(_departments(db, lang), t("adm.choose", lang))


@callback(
    Permission.ADMIN,
    Output(ids.ADM_AREA_STATUS, "children"),
    Input(ids.ADM_AREA_FORM, "n_submit"),
    State(ids.ADM_AREA_CODE, "value"),
    State(ids.ADM_AREA_NAME_ZH, "value"),
    State(ids.ADM_AREA_NAME_EN, "value"),
    State(ids.ADM_AREA_LEVEL, "value"),
    State(ids.ADM_AREA_PARENT, "value"),
    prevent_initial_call=True,
)
def add_area(_submit: Any, code: Any, name_zh: Any, name_en: Any, level: Any, parent: Any) -> dbc.Alert:
    lang = user_lang()
    name = _text(name_zh)
    try:
        area = commands.create_area(
            runtime.current().store,
            actor(),
            _text(code, 64),
            name,
            _text(name_en) or name,
            _text(level, 16),
            _text(parent, 64),
            address=_address(),
        )
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t("adm.area_created", lang, code=area.code))


def _area_picks(blank: str) -> list[dict[str, str]]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        return layout.options(layout.area_options(_areas(db), lang), t(blank, lang))


@callback(Permission.ADMIN, Output(ids.ADM_AREA_TREE, "children"), Input(ids.ADM_AREA_STATUS, "children"), prevent_initial_call=True)
def area_list(_changed: Any) -> html.Div:
    with runtime.current().store.read() as db:
        return layout.area_tree(_areas(db), user_lang())


@callback(Permission.ADMIN, Output(ids.ADM_AREA_PARENT, "options"), Input(ids.ADM_AREA_STATUS, "children"), prevent_initial_call=True)
def parent_picks(_changed: Any) -> list[dict[str, str]]:
    return _area_picks("adm.no_parent")


@callback(Permission.ADMIN, Output(ids.ADM_NEW_DISTRICT, "options"), Input(ids.ADM_AREA_STATUS, "children"), prevent_initial_call=True)
def district_picks(_changed: Any) -> list[dict[str, str]]:
    return _area_picks("adm.no_district")


# -- grants -------------------------------------------------------------------------------------------
@callback(Permission.ADMIN, Output(ids.ADM_GRANT_OBJECTS, "children"), Input(ids.ADM_GRANT_OBJECT_TYPE, "value"), prevent_initial_call=True)
def object_suggestions(object_type: Any) -> list[html.Option]:
    """Suggest the datasets or indicators that exist (boards are typed by id)."""
    who, lang = actor(), user_lang()
    if object_type == "dataset":
        with runtime.current().store.read() as db:
            return layout.suggestions(_datasets(db, who, lang))
    return layout.suggestions(_indicators(who, lang)) if object_type == "indicator" else []


@callback(
    Permission.ADMIN,
    Output(ids.ADM_GRANT_GRANTEES, "children"),
    Input(ids.ADM_GRANT_GRANTEE_TYPE, "value"),
    Input(ids.ADM_NEW_STATUS, "children"),
    Input(ids.ADM_DEPT_STATUS, "children"),
    prevent_initial_call=True,
)
def grantee_suggestions(grantee_type: Any, _new_user: Any, _new_department: Any) -> list[html.Option]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        pairs = _user_options(users.list_users(db)) if grantee_type == "user" else _departments(db, lang)
    return layout.suggestions(pairs)


@callback(
    Permission.ADMIN,
    Output(ids.ADM_GRANT_STATUS, "children"),
    Input(ids.ADM_GRANT_FORM, "n_submit"),
    State(ids.ADM_GRANT_OBJECT_TYPE, "value"),
    State(ids.ADM_GRANT_OBJECT_ID, "value"),
    State(ids.ADM_GRANT_GRANTEE_TYPE, "value"),
    State(ids.ADM_GRANT_GRANTEE, "value"),
    State(ids.ADM_GRANT_LEVEL, "value"),
    prevent_initial_call=True,
)
def add_grant(_submit: Any, object_type: Any, object_id: Any, grantee_type: Any, grantee: Any, level: Any) -> dbc.Alert:
    """Grant access; the service validates and audits it."""
    lang = user_lang()
    try:
        added = commands.add_grant(
            runtime.current().store,
            actor(),
            _text(object_type, 16),
            _text(object_id, 120),
            _text(grantee_type, 16),
            _text(grantee, 64),
            _text(level, 16),
        )
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t("adm.grant_added", lang, grantee=added.grantee, object=added.object_id))


@callback(
    Permission.ADMIN,
    Output(ids.ADM_GRANT_REMOVE_STATUS, "children"),
    Input({"type": ids.ADM_GRANT_REMOVE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def remove_grant(_clicks: Any) -> Any:
    """Remove the grant whose button was clicked; the service audits it."""
    return _remove_clicked(ids.ADM_GRANT_REMOVE, commands.remove_grant, "adm.grant_removed")


@callback(
    Permission.ADMIN,
    Output(ids.ADM_GRANT_TABLE, "children"),
    Input(ids.ADM_GRANT_FILTER_TYPE, "value"),
    Input(ids.ADM_GRANT_FILTER_ID, "value"),
    Input(ids.ADM_GRANT_STATUS, "children"),
    Input(ids.ADM_GRANT_REMOVE_STATUS, "children"),
    prevent_initial_call=True,
)
def grant_list(object_type: Any, object_id: Any, _added: Any, _removed: Any) -> Any:
    """Grants, filtered by object type and object id."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        found = grants.list_grants(db, _text(object_type, 16) or None, _text(object_id, 120) or None)
    return layout.grants_table(found, _object_names(actor(), lang), lang)


# -- row policies -------------------------------------------------------------------------------------
@callback(Permission.ADMIN, Output(ids.ADM_POLICY_COLUMN, "options"), Input(ids.ADM_POLICY_DATASET, "value"), prevent_initial_call=True)
def policy_columns(dataset_id: Any) -> list[dict[str, str]]:
    """The chosen dataset's columns, for area policies."""
    lang = user_lang()
    try:
        with runtime.current().store.read() as db:
            info = catalog.get_dataset(db, actor(), _text(dataset_id, 64))
    except NotFound:
        return []
    return layout.options([(c.name, c.name if c.label == c.name else f"{c.name} ({c.label})") for c in info.columns], t("adm.choose", lang))


@callback(
    Permission.ADMIN,
    Output(ids.ADM_POLICY_STATUS, "children"),
    Input(ids.ADM_POLICY_FORM, "n_submit"),
    State(ids.ADM_POLICY_DATASET, "value"),
    State(ids.ADM_POLICY_KIND, "value"),
    State(ids.ADM_POLICY_COLUMN, "value"),
    State(ids.ADM_POLICY_TEMPLATE, "value"),
    prevent_initial_call=True,
)
def add_policy(_submit: Any, dataset_id: Any, kind: Any, column: Any, template: Any) -> dbc.Alert:
    """Check the column or template against the dataset, then store the policy (the service audits it)."""
    lang = user_lang()
    dataset, kind_ = _text(dataset_id, 64), _text(kind, 16)
    if not dataset:
        return layout.error_alert(t("adm.choose_dataset", lang), [], lang)
    column_ = _text(column, 128) if kind_ == "area" else ""
    template_ = _text(template, 1000) if kind_ == "predicate" else ""
    try:
        commands.add_row_policy(runtime.current().store, actor(), dataset, kind_, column_, template_, check_row_policy)
    except UserError as exc:
        return _failed(exc, lang)
    runtime.current().door.cache.clear()  # scoped results are keyed by the policy anyway; this frees memory
    return layout.done_alert(t("adm.policy_added", lang, dataset=dataset))


@callback(
    Permission.ADMIN,
    Output(ids.ADM_POLICY_REMOVE_STATUS, "children"),
    Input({"type": ids.ADM_POLICY_REMOVE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def remove_policy(_clicks: Any) -> Any:
    """Remove the policy whose button was clicked; the service audits it."""
    return _remove_clicked(ids.ADM_POLICY_REMOVE, commands.remove_row_policy, "adm.policy_removed")


@callback(
    Permission.ADMIN,
    Output(ids.ADM_POLICY_TABLE, "children"),
    Input(ids.ADM_POLICY_DATASET, "value"),
    Input(ids.ADM_POLICY_STATUS, "children"),
    Input(ids.ADM_POLICY_REMOVE_STATUS, "children"),
    prevent_initial_call=True,
)
def policy_list(dataset_id: Any, _added: Any, _removed: Any) -> Any:
    """The policies of the chosen dataset (of every dataset when none is chosen)."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        found = rowpolicies.list_policies(db, _text(dataset_id, 64) or None)
        names = dict(_datasets(db, actor(), lang))
    return layout.policies_table(found, names, lang)


# -- audit log ----------------------------------------------------------------------------------------
def _day(value: Any, after: int = 0) -> dt.datetime | None:
    """A date field as the start of that day (`after` days later), or None."""
    try:
        day = dt.date.fromisoformat(_text(value, 10))
    except ValueError:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=after), dt.time())


@callback(
    Permission.ADMIN,
    Output(ids.ADM_AUDIT_GRID, "rowData"),
    Input(ids.ADM_AUDIT_FORM, "n_submit"),
    State(ids.ADM_AUDIT_ACTOR, "value"),
    State(ids.ADM_AUDIT_ACTION, "value"),
    State(ids.ADM_AUDIT_FROM, "value"),
    State(ids.ADM_AUDIT_TO, "value"),
    prevent_initial_call=True,
)
def audit_log(_submit: Any, who: Any, action: Any, start: Any, end: Any) -> list[dict[str, Any]]:
    """Events newest first: an actor, an action prefix (`login` finds every login event), a date range (both days included)."""
    with runtime.current().store.read() as db:
        found = events(db, _text(who, 64) or None, _text(action, 64) or None, None, _day(start), _day(end, after=1), AUDIT_LIMIT)
    return layout.audit_rows(found)


# -- view as a user -----------------------------------------------------------------------------------
def _seen_by(target: Actor, lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The datasets (with the rows they may read) and the indicators `target` sees."""
    rt = runtime.current()
    with rt.store.read() as db:
        infos = catalog.list_datasets(db, target)
        labels = _department_labels(db, lang)
    datasets = []
    for info in infos:
        rows, scoped = visible_rows(rt.door, target, info.id)
        label = labels.get(info.department, info.department)
        datasets.append(
            {"id": info.id, "name": info.name(lang), "department": label, "rows": info.rows, "visible_rows": rows, "scoped": scoped}
        )
    indicators = [
        {"id": i.id, "name": i.name.get(lang), "department": labels.get(i.department, i.department)} for i in rt.registry.visible(target)
    ]
    return datasets, indicators


@callback(Permission.ADMIN, Output(ids.ADM_VIEW_RESULT, "children"), Input(ids.ADM_VIEW_USER, "value"), prevent_initial_call=True)
def view_as(username: Any) -> Any:
    """Exactly what the user would see: their datasets with row counts, and their indicators (audited)."""
    lang, name = user_lang(), _text(username, 64)
    if not name:
        return None
    try:
        seen = commands.view_as(runtime.current().store, actor(), name, "user", name, {"what": "datasets"}, address=_address())
    except UserError as exc:
        return _failed(exc, lang)
    person = seen.user.to_dict()
    with runtime.current().store.read() as db:
        person["department"] = _department_labels(db, lang).get(seen.user.department, seen.user.department)
    datasets, indicators = _seen_by(seen.target, lang)
    return layout.view_as_result(person, datasets, indicators, lang)


@callback(
    Permission.ADMIN,
    Output(ids.ADM_VIEW_VALUES, "children"),
    Input(ids.ADM_VIEW_INDICATOR, "value"),
    State(ids.ADM_VIEW_USER, "value"),
    prevent_initial_call=True,
)
def view_as_values(indicator_id: Any, username: Any) -> Any:
    """The yearly values the user would get for one indicator (audited)."""
    lang, name, indicator = user_lang(), _text(username, 64), _text(indicator_id, 120)
    if not name or not indicator:
        return None
    try:
        seen = commands.view_as(runtime.current().store, actor(), name, "indicator", indicator, {"user": name}, address=_address())
        result = values(runtime.current().door, seen.target, indicator, VIEW_AS_ARGS)
    except UserError as exc:
        return _failed(exc, lang)
    return layout.view_as_values(result, lang)


# -- my API tokens (every signed-in user, their own tokens only) ---------------------------------------
def tokens_view(who: Actor, lang: str) -> html.Div:
    with runtime.current().store.read() as db:
        listed = users.list_tokens(db, who.user_id)
    return layout.tokens_page(listed, lang)


@callback(
    Permission.VIEW,
    Output(ids.TOK_CREATED_BOX, "children"),
    Input(ids.TOK_FORM, "n_submit"),
    State(ids.TOK_NAME, "value"),
    prevent_initial_call=True,
)
def create_token(_submit: Any, name: Any) -> dbc.Alert:
    """A new token for the caller, shown this once (only its hash is stored)."""
    issued = commands.create_token(runtime.current().store, actor(), _text(name), address=_address())
    return layout.token_created(issued.token, issued.name, user_lang())


@callback(
    Permission.VIEW,
    Output(ids.TOK_STATUS, "children"),
    Input({"type": ids.TOK_REVOKE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def revoke_token(_clicks: Any) -> Any:
    """Revoke one of the caller's own tokens; another user's token id is NotFound."""
    lang, token_id = user_lang(), _clicked_row(ids.TOK_REVOKE)
    if token_id is None:
        return no_update
    try:
        commands.revoke_token(runtime.current().store, actor(), token_id, address=_address())
    except UserError as exc:
        return _failed(exc, lang)
    return layout.done_alert(t("tok.revoked_done", lang))


@callback(
    Permission.VIEW,
    Output(ids.TOK_TABLE, "children"),
    Input(ids.TOK_CREATED_BOX, "children"),
    Input(ids.TOK_STATUS, "children"),
    prevent_initial_call=True,
)
def token_list(_created: Any, _revoked: Any) -> Any:
    with runtime.current().store.read() as db:
        listed = users.list_tokens(db, actor().user_id)
    return layout.tokens_table(listed, user_lang())
