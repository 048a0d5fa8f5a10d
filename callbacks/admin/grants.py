"""Grants tab: suggestions for the form, add and remove a grant, the filtered list."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html

import callbacks.admin.shared as shared
import layouts.admin.grants as grants_layout
import layouts.admin.parts as parts
import runtime
from access import commands, grants, users
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from errors import UserError
from i18n import t
from layouts import ids


@callback(
    Permission.ADMIN, Output(ids.admin.GRANT_OBJECTS, "children"), Input(ids.admin.GRANT_OBJECT_TYPE, "value"), prevent_initial_call=True
)
def object_suggestions(object_type: Any) -> list[html.Option]:
    """Suggest the datasets or indicators that exist (boards are typed by id)."""
    who, lang = actor(), user_lang()
    if object_type == "dataset":
        with runtime.current().store.read() as db:
            return parts.suggestions(shared.datasets(db, who, lang))
    return parts.suggestions(shared.indicators(who, lang)) if object_type == "indicator" else []


@callback(
    Permission.ADMIN,
    Output(ids.admin.GRANT_GRANTEES, "children"),
    Input(ids.admin.GRANT_GRANTEE_TYPE, "value"),
    Input(ids.admin.NEW_STATUS, "children"),
    Input(ids.admin.DEPT_STATUS, "children"),
    prevent_initial_call=True,
)
def grantee_suggestions(grantee_type: Any, _new_user: Any, _new_department: Any) -> list[html.Option]:
    lang = user_lang()
    with runtime.current().store.read() as db:
        pairs = shared.user_options(users.list_users(db)) if grantee_type == "user" else shared.departments(db, lang)
    return parts.suggestions(pairs)


@callback(
    Permission.ADMIN,
    Output(ids.admin.GRANT_STATUS, "children"),
    Input(ids.admin.GRANT_FORM, "n_submit"),
    State(ids.admin.GRANT_OBJECT_TYPE, "value"),
    State(ids.admin.GRANT_OBJECT_ID, "value"),
    State(ids.admin.GRANT_GRANTEE_TYPE, "value"),
    State(ids.admin.GRANT_GRANTEE, "value"),
    State(ids.admin.GRANT_LEVEL, "value"),
    prevent_initial_call=True,
)
def add_grant(_submit: Any, object_type: Any, object_id: Any, grantee_type: Any, grantee: Any, level: Any) -> dbc.Alert:
    """Grant access; the service validates and audits it."""
    lang = user_lang()
    try:
        added = commands.add_grant(
            runtime.current().store,
            actor(),
            shared.text(object_type, 16),
            shared.text(object_id, 120),
            shared.text(grantee_type, 16),
            shared.text(grantee, 64),
            shared.text(level, 16),
        )
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t("adm.grant_added", lang, grantee=added.grantee, object=added.object_id))


@callback(
    Permission.ADMIN,
    Output(ids.admin.GRANT_REMOVE_STATUS, "children"),
    Input({"type": ids.admin.GRANT_REMOVE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def remove_grant(_clicks: Any) -> Any:
    """Remove the grant whose button was clicked; the service audits it."""
    return shared.remove_clicked(ids.admin.GRANT_REMOVE, commands.remove_grant, "adm.grant_removed")


@callback(
    Permission.ADMIN,
    Output(ids.admin.GRANT_TABLE, "children"),
    Input(ids.admin.GRANT_FILTER_TYPE, "value"),
    Input(ids.admin.GRANT_FILTER_ID, "value"),
    Input(ids.admin.GRANT_STATUS, "children"),
    Input(ids.admin.GRANT_REMOVE_STATUS, "children"),
    prevent_initial_call=True,
)
def grant_list(object_type: Any, object_id: Any, _added: Any, _removed: Any) -> Any:
    """Grants, filtered by object type and object id."""
    lang = user_lang()
    with runtime.current().store.read() as db:
        found = grants.list_grants(db, shared.text(object_type, 16) or None, shared.text(object_id, 120) or None)
    return grants_layout.grants_table(found, shared.object_names(actor(), lang), lang)
