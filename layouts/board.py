"""Boards: the list of boards a user may open, and one board (header, filters, edit toolbar, tile grid, share dialog).

Pure functions of view data the callbacks compute for the signed-in viewer. The grid is dash-snap-grid behind
one function (`grid`), so the package can be swapped. The pieces of a board page live in layouts/boardparts.py,
tiles in layouts/tiles.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts import ask as ask_layout
from layouts import ids
from layouts import tiles as tile_layout
from layouts.boardparts import board_href, filter_drawer, grid, header, present_bar, print_head, share_dialog, toolbar, view_status
from layouts.common import empty_state
from layouts.shell import page_title


# -- the list -------------------------------------------------------------------------------------------
def _new_board(lang: str) -> html.Div:
    return html.Div(
        [
            dbc.InputGroup(
                [
                    dbc.Input(id=ids.boards.NEW_TITLE, placeholder=t("boards.new_placeholder", lang), maxLength=200, debounce=False),
                    dbc.Button(t("boards.new", lang), id=ids.boards.NEW, color="primary"),
                ],
                size="sm",
            ),
            html.Div(id=ids.boards.NEW_RESULT, className="small mt-1"),
        ],
        className="boards-new",
    )


def boards_page(rows: Sequence[Mapping[str, Any]], lang: str, can_create: bool) -> html.Div:
    """Every board the user may open (by department); `can_create` adds the new-board form."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("boards.col_title", lang)),
                html.Th(t("col.department", lang)),
                html.Th(t("boards.visibility", lang)),
                html.Th(t("boards.tiles", lang)),
                html.Th(t("boards.updated_by", lang)),
                html.Th(t("boards.updated_at", lang)),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(dcc.Link(r["title"] or r["id"], href=board_href(r["id"]), className="board-link fw-semibold")),
                    html.Td(r["department_label"]),
                    html.Td(dbc.Badge(t(f"visibility.{r['visibility']}", lang), color="light", text_color="dark", className="border")),
                    html.Td(r["tiles"]),
                    html.Td(r["updated_by"]),
                    html.Td(r["updated_at"]),
                ],
                className="board-row",
            )
            for r in rows
        ]
    )
    listing: Any = (
        dbc.Table([head, body], id=ids.boards.LIST, hover=True, responsive=True, className="bg-white border mb-0 align-middle")
        if rows
        else empty_state(t("boards.empty", lang))
    )
    return html.Div([page_title(t("boards.title", lang), _new_board(lang) if can_create else None), listing], className="boards-page")


# -- one board ------------------------------------------------------------------------------------------
def not_found(lang: str) -> html.Div:
    """The same page for a board that does not exist and one the viewer may not open."""
    return empty_state(t("board.not_found", lang), action=dcc.Link(t("board.back", lang), href="/boards"))


def in_layout_order(items: Sequence[Any], layout: Any, key: str = "id") -> list[Any]:
    """`items` (mappings with a tile id under `key`) in the order of their places, top to bottom and left to
    right: the order tiles stack in on a phone. Places may use tile ids or the grid's child ids."""
    places = layout if isinstance(layout, list) else []
    rank: dict[str, tuple[int, int]] = {}
    for p in places:
        if isinstance(p, Mapping) and isinstance(p.get("i"), str) and isinstance(p.get("y"), int) and isinstance(p.get("x"), int):
            rank[p["i"].removeprefix(ids.board.TILE_PREFIX)] = (p["y"], p["x"])
    last = (10**9, 10**9)
    return sorted(items, key=lambda item: rank.get(str(item[key]), last))


def board_page(view: Mapping[str, Any], lang: str) -> html.Div:
    """The whole board; the tiles show their loading state until the one tile callback fills them for the viewer.
    `view["present"]` ({refresh_s, rotate_s}) shows it as a big screen: dark, no chrome, refreshed and paged."""
    loading = [
        tile_layout.frame({"id": tile["id"], "type": tile["type"], "title": tile["title"], "state": "loading"}, lang)
        for tile in in_layout_order(view["tiles"], view["layout"])
    ]
    present = view.get("present")
    timers = present or {"refresh_s": 60, "rotate_s": 20}
    page = html.Div(
        [
            dcc.Store(id=ids.board.ID, data=view["id"]),
            dcc.Store(id=ids.board.PENDING, data=view["pending"]),
            dcc.Store(id=ids.board.TILESET, data=view["tileset"]),
            dcc.Store(id=ids.board.COMMAND),
            dcc.Store(id=ids.board.TICK),
            dcc.Store(id=ids.board.CROSS, data=None),
            dcc.Interval(id=ids.board.REFRESH, interval=timers["refresh_s"] * 1000, disabled=present is None),
            dcc.Interval(id=ids.board.ROTATE, interval=timers["rotate_s"] * 1000, disabled=present is None),
            print_head(view, lang) if view.get("print") else None,
            header(view, lang),
            present_bar(view, lang),  # hidden outside presentation mode; its ids stay for the callbacks
            filter_drawer(view, lang),
            ask_layout.ask_box(lang),
            toolbar(view, lang) if view["can_edit"] else None,
            html.Div(
                view_status(bool(view.get("personal")), lang), id=ids.board.VIEW_STATUS, className="small text-muted board-view-status"
            ),
            html.Div(
                grid(view["layout"], loading, bool(view["can_edit"] or view.get("arrange"))),
                id=ids.board.GRID_WRAP,
                className="board-grid-wrap",
            ),
            # Dash fetches plotly with the first chart it draws: an empty hidden one starts that download at once,
            # alongside the tile callback, instead of after it.
            dcc.Graph(id=ids.board.PRELOAD, figure={"data": [], "layout": {}}, config={"staticPlot": True}, style={"display": "none"}),
            share_dialog(view, lang),
            html.Div(id=ids.board.COPY_RESULT),
        ],
        id=ids.board.PAGE,
        className="board-page",
    )
    # The edit switch's callback owns the page's class, so presentation mode marks a wrapper instead.
    if view.get("print"):
        return html.Div(page, className="board-print")  # assets/export.css: the board only, as it is sent
    return html.Div(page, className="board-present") if present else page


# -- save status ----------------------------------------------------------------------------------------
def save_status(state: Mapping[str, Any], href: str, lang: str) -> Any:
    """After an edit: saved (with the new version), a conflict (who changed it; reload or save as a copy; the
    arrangement stays on screen), or the service's refusal."""
    status = state.get("status")
    message = str(state.get("message") or "")
    if status == "conflict":
        return dbc.Alert(
            [
                html.Div(message, className="fw-semibold board-conflict-message"),
                html.Div(t("board.conflict_kept", lang), className="small mb-2"),
                html.A(
                    t("board.conflict_reload", lang), href=href, className="btn btn-sm btn-outline-dark me-2", id=ids.board.CONFLICT_RELOAD
                ),
                dbc.Button(t("board.save_copy", lang), id=ids.board.COPY, color="primary", size="sm"),
            ],
            color="warning",
            className="board-conflict mb-0",
        )
    if status in ("refused", "invalid"):
        return dbc.Alert(message, color="danger", className="board-refused mb-0 py-2")
    if status == "missing":
        return dbc.Alert(t("board.not_found", lang), color="danger", className="board-refused mb-0 py-2")
    if status == "saved":
        return html.Div(
            [
                dbc.Badge(
                    t("board.version", lang, n=state.get("version")),
                    color="light",
                    text_color="dark",
                    className="border me-2 board-version",
                ),
                html.Span(t("board.saved", lang, at=state.get("updated_at") or ""), className="text-success small board-saved"),
            ],
            className="board-meta",
        )
    return None


def share_status(state: Mapping[str, Any], lang: str) -> Any:
    if state.get("op") != "share":
        return None
    if state.get("status") == "saved":
        return html.Span(t("board.share_saved", lang), className="text-success")
    if state.get("status") == "missing":
        return html.Span(t("board.not_found", lang), className="text-danger")
    return html.Span(str(state.get("message") or ""), className="text-danger")


def copy_result(new_board: str | None, message: str, lang: str) -> Any:
    """After "save as a copy": open the copy, or say why not."""
    if new_board is None:
        return dbc.Alert(message, color="danger", className="mt-2 py-2")
    return html.Div(
        [
            html.Span(t("board.copied", lang), className="text-success small"),
            dcc.Location(id=ids.board.GO, href=board_href(new_board), refresh=True),
        ]
    )


def created(new_board: str | None, message: str, lang: str) -> Any:
    if new_board is None:
        return html.Span(message, className="text-danger")
    return html.Div(
        [
            html.Span(t("boards.created", lang), className="text-success"),
            dcc.Location(id=ids.boards.GO, href=board_href(new_board), refresh=True),
        ]
    )
