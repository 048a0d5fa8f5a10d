"""Personal views on the board page: a viewer who may not edit the board switches on "arrange my view", drags or
resizes tiles, and the arrangement is saved for them alone; "reset to the department's layout" deletes it.

The grid's layout is only a request: the board is opened again for the session's actor (missing and forbidden
read the same), editors are left to the shared-layout save (callbacks/boards.py edit_board), and
boards/views.py keeps only places of tiles the board has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import ALL, Input, Output, State, ctx, html, no_update, set_props

import runtime
from access.roles import Permission
from boards import commands, views
from callbacks.boards import open_board, ui_layout
from callbacks.guard import actor, callback, user_lang
from errors import NotFound, UserError
from i18n import t
from layouts import ids

ARRANGER = {"type": ids.board.EDIT, "board": "viewer"}  # layouts/board.arranger


def grid_places(layout: Any) -> list[dict[str, Any]]:
    """Tile places from the grid's layout (child ids carry the tile prefix; other entries are dropped)."""
    out = []
    for place in layout if isinstance(layout, list) else []:
        child = place.get("i") if isinstance(place, Mapping) else None
        if isinstance(child, str) and child.startswith(ids.board.TILE_PREFIX):
            out.append({**{k: place.get(k) for k in ("x", "y", "w", "h")}, "i": child[len(ids.board.TILE_PREFIX) :]})
    return out


@callback(
    Permission.VIEW,
    Output(ids.board.VIEW_STATUS, "children"),
    Input(ids.board.GRID, "layout"),
    Input({"type": ids.board.VIEW_RESET, "board": ALL}, "n_clicks"),
    State({"type": ids.board.EDIT, "board": ALL}, "value"),
    State(ids.board.ID, "data"),
    prevent_initial_call=True,
)
def arrange_my_view(layout: Any, resets: Any, arranging: Any, board_id: Any) -> Any:
    """Save the viewer's arrangement while "arrange my view" is on, or reset it; editors are not handled here."""
    lang, who = user_lang(), actor()
    try:
        board = open_board(who, board_id)
    except NotFound:
        return no_update
    if board.can_edit:
        return no_update
    reset = isinstance(ctx.triggered_id, Mapping) and ctx.triggered_id.get("type") == ids.board.VIEW_RESET
    try:
        if reset:
            if not (isinstance(resets, list) and any(resets)):
                return no_update
            commands.reset_view(runtime.current().store, who, board.id)
            tiles = [{"id": tile.id, "type": tile.type.value} for tile in board.spec.tiles]
            set_props(ARRANGER, {"value": False})
            set_props(ids.board.GRID, {"layout": ui_layout(tiles, views.shared_places(board.spec))})
            return html.Span(t("board.view_reset_done", lang), className="text-success board-view-reset-done")
        if not (isinstance(arranging, list) and True in arranging):
            return no_update
        changed = commands.save_view(runtime.current().store, who, board.id, grid_places(layout))
    except UserError as exc:
        return html.Span(exc.message(lang), className="text-danger")
    if not changed:
        return no_update
    return html.Span(t("board.view_saved", lang), className="text-success board-view-saved")
