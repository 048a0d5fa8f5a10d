"""My API tokens (every signed-in user, their own tokens only): the page, create, revoke, the list."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html, no_update

import callbacks.admin.shared as shared
import layouts.admin.parts as parts
import layouts.admin.tokens as tokens_layout
import runtime
from access import commands, users
from access.actor import Actor
from access.roles import Permission
from callbacks.guard import actor, callback, user_lang
from errors import UserError
from i18n import t
from layouts import ids


def tokens_view(who: Actor, lang: str) -> html.Div:
    with runtime.current().store.read() as db:
        listed = users.list_tokens(db, who.user_id)
    return tokens_layout.tokens_page(listed, lang)


@callback(
    Permission.VIEW,
    Output(ids.tokens.CREATED_BOX, "children"),
    Input(ids.tokens.FORM, "n_submit"),
    State(ids.tokens.NAME, "value"),
    prevent_initial_call=True,
)
def create_token(_submit: Any, name: Any) -> dbc.Alert:
    """A new token for the caller, shown this once (only its hash is stored)."""
    issued = commands.create_token(runtime.current().store, actor(), shared.text(name), address=shared.address())
    return tokens_layout.token_created(issued.token, issued.name, user_lang())


@callback(
    Permission.VIEW,
    Output(ids.tokens.STATUS, "children"),
    Input({"type": ids.tokens.REVOKE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def revoke_token(_clicks: Any) -> Any:
    """Revoke one of the caller's own tokens; another user's token id is NotFound."""
    lang, token_id = user_lang(), shared.clicked_row(ids.tokens.REVOKE)
    if token_id is None:
        return no_update
    try:
        commands.revoke_token(runtime.current().store, actor(), token_id, address=shared.address())
    except UserError as exc:
        return shared.failed(exc, lang)
    return parts.done_alert(t("tok.revoked_done", lang))


@callback(
    Permission.VIEW,
    Output(ids.tokens.TABLE, "children"),
    Input(ids.tokens.CREATED_BOX, "children"),
    Input(ids.tokens.STATUS, "children"),
    prevent_initial_call=True,
)
def token_list(_created: Any, _revoked: Any) -> Any:
    with runtime.current().store.read() as db:
        listed = users.list_tokens(db, actor().user_id)
    return tokens_layout.tokens_table(listed, user_lang())
