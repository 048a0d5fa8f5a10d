"""Users tab: create a user, the users grid, choose and edit a user (role, department, district,
password, enabled). Every write goes through access.commands.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update

import callbacks.admin.shared as shared
import layouts.admin.areas as areas_layout
import layouts.admin.parts as parts
import layouts.admin.users as users_layout
import runtime
from access import commands, users
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from errors import NotFound, UserError
from i18n import t
from layouts import ids


@callback(
    Permission.ADMIN,
    Output(ids.admin.NEW_STATUS, "children"),
    Input(ids.admin.NEW_FORM, "n_submit"),
    State(ids.admin.NEW_USERNAME, "value"),
    State(ids.admin.NEW_DISPLAY, "value"),
    State(ids.admin.NEW_PASSWORD, "value"),
    State(ids.admin.NEW_ROLE, "value"),
    State(ids.admin.NEW_DEPARTMENT, "value"),
    State(ids.admin.NEW_DISTRICT, "value"),
    prevent_initial_call=True,
)
def create_user(_submit: Any, username: Any, display_name: Any, password: Any, role: Any, department: Any, district: Any) -> dbc.Alert:
    """Create a user; every problem the service finds is shown at once."""
    lang = user_lang()
    try:
        created = commands.create_user(
            runtime.current().store,
            actor(),
            username=shared.text(username, 64),
            password=shared.secret(password),
            role=shared.text(role, 16),
            department=shared.text(department, 64),
            district=shared.text(district, 64) or None,
            display_name=shared.text(display_name),
            address=shared.address(),
        )
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t("adm.user_created", lang, username=created.username))


@callback(Permission.ADMIN, Output(ids.admin.NEW_PASSWORD, "value"), Input(ids.admin.NEW_STATUS, "children"), prevent_initial_call=True)
def clear_new_password(_status: Any) -> str:
    """A password typed into the form does not stay there after the attempt."""
    return ""


@callback(
    Permission.ADMIN,
    Output(ids.admin.USER_GRID, "rowData"),
    Input(ids.admin.NEW_STATUS, "children"),
    Input(ids.admin.EDIT_STATUS, "children"),
    prevent_initial_call=True,
)
def users_grid_rows(_created: Any, _changed: Any) -> list[dict[str, Any]]:
    """The users grid, read again after a user was created or changed."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        return users_layout.user_rows(users.list_users(db), shared.department_labels(db, lang), lang)


def _user_picks() -> list[dict[str, str]]:
    with runtime.current().store.read() as db:
        return parts.options(shared.user_options(users.list_users(db)), t("adm.choose", user_lang()))


@callback(Permission.ADMIN, Output(ids.admin.EDIT_PICK, "options"), Input(ids.admin.NEW_STATUS, "children"), prevent_initial_call=True)
def edit_picks(_created: Any) -> list[dict[str, str]]:
    return _user_picks()


@callback(Permission.ADMIN, Output(ids.admin.VIEW_USER, "options"), Input(ids.admin.NEW_STATUS, "children"), prevent_initial_call=True)
def view_picks(_created: Any) -> list[dict[str, str]]:
    return _user_picks()


@callback(
    Permission.ADMIN,
    Output(ids.admin.EDIT_PICK, "value"),
    Input(ids.admin.USER_GRID, "selectedRows"),
    State(ids.admin.EDIT_PICK, "value"),
    prevent_initial_call=True,
)
def pick_user(selected: Any, current: Any) -> Any:
    """Choosing a row in the grid chooses that user in the editor. The grid reports its selection again when its
    rows are refreshed after a change: the same user is not chosen again (that would redraw the editor under the
    pointer of someone about to click in it)."""
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return no_update
    chosen = shared.text(selected[0].get("username"), 64)
    return no_update if chosen == current else chosen


@callback(
    Permission.ADMIN,
    Output(ids.admin.EDIT_PANEL, "children"),
    Input(ids.admin.EDIT_PICK, "value"),
    Input(ids.admin.EDIT_STATUS, "children"),
    prevent_initial_call=True,
)
def edit_panel(username: Any, _changed: Any) -> html.Div:
    """The editor for the chosen user, read from the store (so it shows the state after a change)."""
    lang, name = user_lang(), shared.text(username, 64)
    with runtime.current().store.read() as db:
        areas = shared.areas(db)
        choices = parts.Choices(shared.WORDS, departments=shared.departments(db, lang), areas=areas_layout.area_options(areas, lang))
        try:
            user = users.user_by_name(db, name) if name else None
        except NotFound:
            user = None
        current = users.user_dict(user) | {"area_code": user.area.code if user.area else ""} if user else None
    return users_layout.user_editor(current, choices, lang)


@callback(
    Permission.ADMIN,
    Output(ids.admin.EDIT_STATUS, "children"),
    Input(ids.admin.EDIT_SAVE, "n_clicks"),
    Input(ids.admin.EDIT_RESET, "n_clicks"),
    Input(ids.admin.EDIT_TOGGLE, "n_clicks"),
    State(ids.admin.EDIT_USER, "data"),
    State(ids.admin.EDIT_ROLE, "value"),
    State(ids.admin.EDIT_DEPARTMENT, "value"),
    State(ids.admin.EDIT_DISTRICT, "value"),
    State(ids.admin.EDIT_PASSWORD, "value"),
    prevent_initial_call=True,
)
def change_user(_save: Any, _reset: Any, _toggle: Any, chosen: Any, role: Any, department: Any, district: Any, password: Any) -> Any:
    """Save role/department/district, set a new password, or enable/disable; the service ends the user's sessions."""
    lang, clicked = user_lang(), shared.clicked()
    if not isinstance(chosen, dict) or clicked not in (ids.admin.EDIT_SAVE, ids.admin.EDIT_RESET, ids.admin.EDIT_TOGGLE):
        return no_update
    username = shared.text(chosen.get("username"), 64)
    fields: dict[str, Any]
    if clicked == ids.admin.EDIT_SAVE:
        fields, done = (
            {"role": shared.text(role, 16), "department": shared.text(department, 64), "district": shared.text(district, 64)},
            "adm.user_saved",
        )
    elif clicked == ids.admin.EDIT_RESET:
        fields, done = {"password": shared.secret(password)}, "adm.password_reset"
    else:
        enable = not bool(chosen.get("enabled"))
        fields, done = {"enabled": enable}, "adm.user_enabled" if enable else "adm.user_disabled"
    try:
        commands.update_user(runtime.current().store, actor(), username, fields, address=shared.address())
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t(done, lang, username=username))
